using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

/// <summary>An actor's bounded stash: envelopes kept in order until they are put back in front of the mailbox.</summary>
internal sealed class StashBuffer(ActorCell cell, int capacity) : IStash
{
    private readonly List<Envelope> _stashed = new();

    public int Count => _stashed.Count;

    public void Stash()
    {
        var current = cell.CurrentEnvelope;
        if (current.Message is null) throw new ActorUsageException("Stash() may only be called while handling a message.");
        if (_stashed.Count >= capacity)
            throw new StashOverflowException($"The stash of {cell.Path} is full ({capacity} messages); raise Props.WithStashCapacity or unstash sooner.");
        _stashed.Add(current);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0) return;
        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Mailbox.Prepend([first]);
    }

    public void UnstashAll()
    {
        if (_stashed.Count == 0) return;
        cell.Mailbox.Prepend(_stashed.ToArray());
        _stashed.Clear();
    }

    public void UnstashAll(Func<object, bool> predicate)
    {
        var take = _stashed.Where(e => predicate(e.Message)).ToArray();
        if (take.Length == 0) return;
        _stashed.RemoveAll(e => predicate(e.Message));
        cell.Mailbox.Prepend(take);
    }

    public IReadOnlyList<object> ClearStash()
    {
        var messages = _stashed.Select(e => e.Message).ToArray();
        _stashed.Clear();
        return messages;
    }

    internal void UnstashAllInto(Mailbox mailbox)
    {
        if (_stashed.Count == 0) return;
        mailbox.Prepend(_stashed.ToArray());
        _stashed.Clear();
    }

    internal Envelope[] TakeAll()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }
}
