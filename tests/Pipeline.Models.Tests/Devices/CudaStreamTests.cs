using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Devices;

/// <summary>
/// One CUDA stream per owner (an inference or training actor): its steps give what the default stream gives. Alone
/// in the process-wide collection, since both runs must draw the same seeded numbers.
/// </summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class CudaStreamTests
{
    [Fact]
    public async Task AnOwnersCudaStreamRunsItsStepsAsTheDefaultStreamWouldOrIsRefusedWithoutCuda()
    {
        Device device = TestDevice.Current;
        if (device.Type != DeviceType.Cuda)
        {
            // without a GPU under test: a CPU build refuses streams; a CUDA build on a machine without a GPU may not create one either
            if (!Torch.BuiltWithCuda)
            {
                Assert.Throws<NotSupportedException>(() => CudaStream.Create());
            }

            return;
        }

        // a thread of its own: the current stream is per thread, and a pooled thread must not keep this one
        Task<float[]> TrainAsync(bool ownStream)
        {
            var done = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    done.SetResult(TrainOnThisThread(ownStream));
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            })
            { IsBackground = true };
            thread.Start();
            return done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }

        float[] TrainOnThisThread(bool ownStream)
        {
            using CudaStream? stream = ownStream ? CudaStream.Create(device.Index) : null;
            stream?.Activate();
            Torch.ManualSeed(5);
            using var model = Mlp.Create([4, 16, 2]);
            model.To(device);
            using var adam = new Adam(model.Parameters(), 1e-2);
            using var x = Tensor.Randn([64, 4], device: device);
            using var y = Tensor.FromSpan<long>(Enumerable.Range(0, 64).Select(i => (long)(i % 2)).ToArray(), device);
            for (int step = 0; step < 20; step++)
            {
                using var scope = Torch.NewDisposeScope();
                Assert.Equal(StepResult.Applied, adam.BackwardAndStep(Models.Losses.CrossEntropy(model.Forward(x), y)));
            }

            stream?.Synchronize();
            return model.Parameters()[0].ToArray<float>();
        }

        float[] onDefault = await TrainAsync(ownStream: false);
        float[] onOwn = await TrainAsync(ownStream: true);
        Assert.NotEmpty(onOwn);
        Floats.AssertClose(onDefault, onOwn, 1e-5);
    }
}
