namespace Pipeline.Runtime.Actors;

internal sealed partial class ActorCell
{
    private void DeliverSelection(SelectionMessage selection)
    {
        var sender = _current.Sender;
        if (selection.Index >= selection.Elements.Length)
        {
            Invoke(new Dispatch.Envelope(selection.Message, sender));
            return;
        }
        var element = selection.Elements[selection.Index];
        var next = selection with { Index = selection.Index + 1 };
        if (element == "..")
        {
            ForwardSelection(_parent, next, sender);
            return;
        }
        if (!Actors.ActorSelection.HasWildcard(element))
        {
            var child = _extras?.Children?.Get(element);
            if (child is not null) ForwardSelection(child, next, sender);
            else if (selection.Message is Identify identify && !selection.WildcardFanOut) sender?.Tell(new ActorIdentity(identify.MessageId, null), this);
            else if (!selection.WildcardFanOut) _system.DeadLetter(selection.Message, sender, this, $"no actor at selection element '{element}'");
            return;
        }
        var children = _extras?.Children?.Snapshot() ?? [];
        foreach (var c in children)
            if (Actors.ActorSelection.Matches(element, c.Path.Name)) ForwardSelection(c, next, sender);
    }

    private static void ForwardSelection(InternalActorRef target, SelectionMessage next, IActorRef? sender)
    {
        if (next.Index >= next.Elements.Length) target.Tell(next.Message, sender);
        else target.Tell(next, sender);
    }
}
