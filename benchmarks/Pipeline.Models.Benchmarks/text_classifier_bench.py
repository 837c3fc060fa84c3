# PyTorch eager reference for the text-classifier throughput case of Program.cs (same sizes, same inputs' shape).
# Usage: python3 text_classifier_bench.py <batch> <seconds> <ids_per_text> [device]
import json, sys, time
import torch

batch, seconds, per_text = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
device = torch.device(sys.argv[4] if len(sys.argv) > 4 else "cpu")
torch.set_num_threads(1)
torch.manual_seed(0)

class TextClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.EmbeddingBag(1 << 18, 64, mode="mean")
        self.mlp = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2))
    def forward(self, ids, offsets):
        return self.mlp(self.embedding(ids, offsets))

model = TextClassifier().to(device).eval()
ids = torch.randint(0, 1 << 18, (batch * per_text,), dtype=torch.int64, device=device)
offsets = torch.arange(0, batch * per_text, per_text, dtype=torch.int64, device=device)
def once():
    with torch.inference_mode():
        model(ids, offsets)
sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
end = time.perf_counter() + 0.3
while time.perf_counter() < end:
    once()
sync()
calls, start = 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    for _ in range(4):
        once()
    calls += 4
sync()
elapsed = time.perf_counter() - start
print(json.dumps({"samples_per_s": calls * batch / elapsed, "us_per_call": elapsed * 1e6 / calls}))
