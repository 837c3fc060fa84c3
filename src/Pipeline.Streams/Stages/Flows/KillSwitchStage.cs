using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Control;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>A pass-through stage that completes/fails when its kill switch is triggered.</summary>
internal sealed class KillSwitchStage<T>(SharedKillSwitch? shared) : FlowStage<T, T, UniqueKillSwitch>("kill-switch")
{
    internal SharedKillSwitch? Shared { get; } = shared;

    public override (GraphStageLogic Logic, UniqueKillSwitch Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(this);
        return (logic, new UniqueKillSwitch(logic.Trigger));
    }

    private sealed class Logic : InAndOutLogic<T, T>
    {
        private readonly SharedKillSwitch? _shared;
        private readonly AsyncCallback<Exception?> _onTrigger;
        private readonly Action<Exception?> _trigger;

        public Logic(KillSwitchStage<T> s) : base(s.In, s.Out)
        {
            _shared = s.Shared;
            _onTrigger = GetAsyncCallback<Exception?>(cause =>
            {
                if (cause is null) CompleteStage();
                else FailStage(cause);
            });
            _trigger = c => _onTrigger.Invoke(c);
        }

        public void Trigger(Exception? cause) => _onTrigger.Invoke(cause);

        protected internal override void PreStart() => _shared?.Register(_trigger);

        public override void OnPush() => Push(Out, Grab(In));

        protected internal override void PostStop() => _shared?.Unregister(_trigger);
    }
}
