using System.Runtime.CompilerServices;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// A lock-free stack of system messages: producers push, the mailbox takes the whole list at once and
/// reverses it, which yields arrival order.
/// </summary>
internal struct SystemMessageQueue
{
    private SystemMessage? _head;

    public readonly bool HasMessages => Volatile.Read(ref Unsafe.AsRef(in _head)) is not null;

    public void Push(SystemMessage message)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            message.Next = head;
            if (Interlocked.CompareExchange(ref _head, message, head) == head) return;
        }
    }

    /// <summary>Takes every pending message, oldest first.</summary>
    public SystemMessage? TakeAllInOrder()
    {
        var list = Interlocked.Exchange(ref _head, null);
        SystemMessage? reversed = null;
        while (list is not null)
        {
            var next = list.Next;
            list.Next = reversed;
            reversed = list;
            list = next;
        }
        return reversed;
    }
}
