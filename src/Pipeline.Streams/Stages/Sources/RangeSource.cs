using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Emits start..end inclusive on demand, without an enumerator.</summary>
internal sealed class RangeSource(long start, long end) : SourceStage<long>("range")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(Out, start, end);

    private sealed class Logic(Outlet<long> outlet, long start, long end) : SourceLogic<long>(outlet)
    {
        private long _next = start;

        protected internal override void PreStart()
        {
            if (_next > end) CompleteStage();
        }

        public override void OnPull()
        {
            Push(Out, _next);
            if (_next++ == end) CompleteStage();
        }
    }
}
