using System.Text.Json;
using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Interop;

/// <summary>Files made at test time by Debian's python3-torch (1.13) load here and give Python's outputs, and back.</summary>
public sealed class PythonInteropTests : IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromMinutes(2));

    private const string SaveFile = """
        import json, struct, torch
        DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16"}
        def save_file(tensors, path, metadata=None):
            header, offset, blobs = {}, 0, []
            if metadata:
                header["__metadata__"] = metadata
            for name in sorted(tensors):
                t = tensors[name].detach().contiguous().cpu()
                b = t.numpy().tobytes()
                header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
                offset += len(b)
                blobs.append(b)
            h = json.dumps(header, separators=(",", ":")).encode()
            h += b" " * ((8 - len(h) % 8) % 8)
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
        def load_file(path):
            data = open(path, "rb").read()
            n = struct.unpack("<Q", data[:8])[0]
            header = json.loads(data[8:8 + n])
            body = data[8 + n:]
            names = {v: k for k, v in DTYPES.items()}
            out = {}
            for name, e in header.items():
                if name == "__metadata__":
                    continue
                b, end = e["data_offsets"]
                out[name] = torch.frombuffer(bytearray(body[b:end]), dtype=names[e["dtype"]]).reshape(e["shape"])
            return out
        class TextClassifier(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = torch.nn.EmbeddingBag(1000, 16, mode="mean")
                self.mlp = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
            def forward(self, ids, offsets):
                return self.mlp(self.embedding(ids, offsets))
        ids = torch.tensor([1, 5, 999, 42, 7], dtype=torch.int64)
        offsets = torch.tensor([0, 3], dtype=torch.int64)
        """;

    private static readonly long[] Ids = [1, 5, 999, 42, 7];
    private static readonly long[] Offsets = [0, 3];
    private static readonly ModelSpec Spec = ModelSpec.Parse("""{"kind":"text-classifier","buckets":1000,"embedding_dim":16,"hidden":[8],"classes":3}""");

    [Fact]
    public async Task TorchScriptSavedByPythonLoadsFromFileAndBytesAndMatchesPython()
    {
        using var dir = new TempDirectory();
        await PythonTorch.RunAsync("""
            import json, torch
            torch.manual_seed(0)
            class Net(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = torch.nn.Linear(4, 8)
                    self.fc2 = torch.nn.Linear(8, 3)
                def forward(self, x):
                    return self.fc2(torch.relu(self.fc1(x)))
            net = Net().eval()
            x = torch.arange(8, dtype=torch.float32).reshape(2, 4) / 10
            torch.jit.script(net).save("model.pt")
            json.dump({"input": x.flatten().tolist(), "output": net(x).detach().flatten().tolist()}, open("expected.json", "w"))
            """, dir.Path, _deadline.Token);

        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "expected.json"), _deadline.Token));
        float[] input = expected.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float[] output = expected.RootElement.GetProperty("output").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        Device device = TestDevice.Current;
        using var x = Tensor.FromSpan<float>(input, [2, 4], device);
        using var fromFile = ScriptModule.Load(Path.Combine(dir.Path, "model.pt"));
        fromFile.To(device);
        using (var scope = Torch.NewDisposeScope())
        using (Torch.InferenceMode())
        {
            Floats.AssertClose(output, fromFile.Forward(x).ToArray<float>(), TestDevice.FloatTolerance);
        }

        using var fromBytes = ScriptModule.Load(await File.ReadAllBytesAsync(Path.Combine(dir.Path, "model.pt"), _deadline.Token));
        fromBytes.To(device);
        using (var scope = Torch.NewDisposeScope())
        using (Torch.NoGrad())
        {
            Floats.AssertClose(output, fromBytes.Forward(x).ToArray<float>(), TestDevice.FloatTolerance);
        }

        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], fromFile.NamedParameters().Select(p => p.Key));

        // fine-tuning the scripted model works with our optimizers
        fromFile.Train();
        using var target = Tensor.FromSpan<long>([2, 0], device);
        using var sgd = new Sgd(fromFile.Parameters(), 0.5);
        double Loss()
        {
            using var scope = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            return Models.Losses.CrossEntropy(fromFile.Forward(x), target).Item();
        }

        double before = Loss();
        for (int i = 0; i < 50; i++)
        {
            using var scope = Torch.NewDisposeScope();
            Assert.Equal(StepResult.Applied, sgd.BackwardAndStep(Models.Losses.CrossEntropy(fromFile.Forward(x), target)));
        }

        double after = Loss();
        Assert.True(after < before / 4, $"loss {before} -> {after}");
    }

    [Fact]
    public async Task SafeTensorsWrittenByPythonLoadIntoTheSpecifiedModelAndMatchPythonsOutput()
    {
        using var dir = new TempDirectory();
        string stdout = await PythonTorch.RunAsync(SaveFile + "\n" + """
            torch.manual_seed(5)
            model = TextClassifier().eval()
            save_file(model.state_dict(), "weights.safetensors", {"format": "pt"})
            print(json.dumps(model(ids, offsets).detach().flatten().tolist()))
            """, dir.Path, _deadline.Token);
        float[] pythonOutput = JsonSerializer.Deserialize<float[]>(stdout)!;

        using var model = (TextClassifier)Spec.Build();
        model.Eval();
        using (var content = SafeTensors.Load(await File.ReadAllBytesAsync(Path.Combine(dir.Path, "weights.safetensors"), _deadline.Token)))
        {
            Assert.Equal("pt", content.Metadata["format"]);
            model.LoadStateDict(content.Tensors);
        }

        model.To(TestDevice.Current);
        using var ids = Tensor.FromSpan<long>(Ids, TestDevice.Current);
        using var offsets = Tensor.FromSpan<long>(Offsets, TestDevice.Current);
        using var noGrad = Torch.NoGrad();
        using var logits = model.Forward(ids, offsets);
        Floats.AssertClose(pythonOutput, logits.ToArray<float>(), TestDevice.FloatTolerance);
    }

    [Fact]
    public async Task SafeTensorsWrittenHereLoadInPythonAndGiveTheSameOutput()
    {
        using var dir = new TempDirectory();
        Torch.ManualSeed(21);
        using var model = (TextClassifier)Spec.Build();
        model.Eval();
        model.To(TestDevice.Current);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "weights.safetensors"), SafeTensors.Save(model.StateDict()), _deadline.Token);
        using var ids = Tensor.FromSpan<long>(Ids, TestDevice.Current);
        using var offsets = Tensor.FromSpan<long>(Offsets, TestDevice.Current);
        float[] ours;
        using (Torch.NoGrad())
        using (var logits = model.Forward(ids, offsets))
        {
            ours = logits.ToArray<float>();
        }

        string stdout = await PythonTorch.RunAsync(SaveFile + "\n" + """
            model = TextClassifier().eval()
            model.load_state_dict(load_file("weights.safetensors"))
            print(json.dumps(model(ids, offsets).detach().flatten().tolist()))
            """, dir.Path, _deadline.Token);
        Floats.AssertClose(ours, JsonSerializer.Deserialize<float[]>(stdout)!, TestDevice.FloatTolerance);
    }

    [Fact]
    public void MissingOrCorruptTorchScriptIsAClearLoadError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".pt");
        Assert.Contains(missing, Assert.Throws<TorchLoadException>(() => ScriptModule.Load(missing)).Message);

        var corrupt = Assert.Throws<TorchLoadException>(() => ScriptModule.Load("PK\u0003\u0004 definitely not a zip"u8));
        Assert.Contains("TorchScript", corrupt.Message);

        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "broken.pt");
        File.WriteAllText(file, "garbage");
        Assert.Contains(file, Assert.Throws<TorchLoadException>(() => ScriptModule.Load(file)).Message);
    }

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public void AModelSpecRejectsUnknownKindsAndFields()
    {
        Assert.Contains("kind", Assert.Throws<ArgumentException>(() => ModelSpec.Parse("""{"kind":"gpt"}""").Build()).Message);
        Assert.Throws<ArgumentException>(() => ModelSpec.Parse("""{"kind":"mlp","sizes":[2,2],"colour":"red"}"""));
        Assert.Equal(Spec.ToJson(), ModelSpec.Parse(Spec.ToJson()).ToJson());
        using var tabular = Assert.IsType<TabularMlp>(ModelSpec.Parse("""{"kind":"tabular-mlp","numeric_features":3,"categorical_fields":2,"buckets":50,"embedding_dim":4,"hidden":[8],"outputs":1}""").Build());
        Assert.Equal([8L, 7L], tabular.StateDict().Single(e => e.Key == "mlp.0.weight").Value.Shape.ToArray());
        using var transformer = Assert.IsType<TransformerTextClassifier>(ModelSpec.Parse("""{"kind":"transformer-text-classifier","buckets":50,"max_length":8,"d_model":8,"heads":2,"dim_feed_forward":16,"layers":1,"classes":3}""").Build());
        Assert.Equal([3L, 8L], transformer.StateDict().Single(e => e.Key == "head.weight").Value.Shape.ToArray());
    }
}
