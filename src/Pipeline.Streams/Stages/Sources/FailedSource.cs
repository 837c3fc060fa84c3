using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Fails at once with the given exception (or completes at once when it is null: the empty source).</summary>
internal sealed class FailedSource<T>(Exception? failure) : SourceStage<T>(failure is null ? "empty" : "failed")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(Out, failure);

    private sealed class Logic(Outlet<T> outlet, Exception? failure) : SourceLogic<T>(outlet)
    {
        protected internal override void PreStart()
        {
            if (failure is null) CompleteStage();
            else FailStage(failure);
        }

        public override void OnPull() { }
    }
}
