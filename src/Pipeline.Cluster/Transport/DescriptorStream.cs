using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pipeline.Cluster.Transport;

/// <summary>
/// A stream over a connected TCP socket that calls <c>recv</c>, <c>send</c> and <c>poll</c> on its descriptor
/// itself instead of going through .NET's socket engine, so the socket is never registered with the runtime's
/// epoll thread: data that arrives wakes only the thread waiting for it (the connection's reader, which has a
/// thread of its own), not an event thread that would then hand the work to the thread pool. A read that finds
/// nothing waits in <c>poll</c> on the calling thread, in slices so that cancellation is seen. A write never
/// blocks its caller: what the socket cannot take at once is sent by the stream's writer thread (started on the
/// first such write) while the returned task is pending (the peer is not reading fast enough). Linux only (the flag values are Linux's);
/// elsewhere the transport uses <see cref="NetworkStream"/>. The socket stays owned by the caller.
/// </summary>
internal sealed unsafe partial class DescriptorStream : Stream
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const short PollIn = 0x1;
    private const short PollOut = 0x4;
    private const int PollSliceMs = 100;

    private readonly SafeSocketHandle _handle;
    private readonly SemaphoreSlim _deferredReady = new(0);
    private Thread? _deferredWriter;
    private ReadOnlyMemory<byte> _deferred;
    private TaskCompletionSource? _deferredDone;
    private volatile bool _disposed;
    private long _deferredWrites;

    /// <summary>Wraps <paramref name="socket"/>, which must never be used for .NET socket I/O afterwards.</summary>
    public DescriptorStream(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _handle = socket.SafeHandle;
    }

    /// <summary>Writes whose rest had to wait for room in the socket's send buffer.</summary>
    public long DeferredWrites => Interlocked.Read(ref _deferredWrites);

    /// <summary>True where the descriptor calls are available: Linux, with a C library that answers <c>poll</c>.</summary>
    public static bool IsSupported => Probe.Value;

    // computed once per process: whether libc's poll can be called (it cannot be on other platforms, or where the
    // C library does not load under the name "libc")
    private static readonly Lazy<bool> Probe = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Poll(null, 0, 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer, CancellationToken.None);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Completes synchronously: waits on the calling thread until data arrives (see the class remarks).</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return new ValueTask<int>(ReadCore(buffer.Span, cancellationToken));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (true)
        {
            var sent = TrySend(buffer);
            if (sent == buffer.Length) return;
            buffer = buffer[sent..];
            WaitFor(PollOut, CancellationToken.None);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends what the socket takes at once; a rest is sent from a thread of its own (the task is then pending).</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int sent;
        try
        {
            sent = TrySend(buffer.Span);
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
        if (sent == buffer.Length) return default;
        // the send buffer is full: the stream's writer thread waits for room and sends the rest (one write at a time:
        // the caller awaits each write before the next)
        if (_deferredDone is not null) return ValueTask.FromException(new InvalidOperationException("A write is already waiting for room."));
        Interlocked.Increment(ref _deferredWrites);
        var done = new TaskCompletionSource();
        _deferred = buffer[sent..];
        _deferredDone = done;
        EnsureDeferredWriter();
        _deferredReady.Release();
        return new ValueTask(done.Task);
    }

    /// <summary>Stops the writer thread (the socket itself is closed by its owner, which ends any wait on it).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_deferredWriter is not null) _deferredReady.Release();
        }
        base.Dispose(disposing);
    }

    private void EnsureDeferredWriter()
    {
        if (_deferredWriter is not null) return;
        _deferredWriter = new Thread(DeferredWriteLoop) { IsBackground = true, Name = "cluster connection writer" };
        _deferredWriter.Start();
    }

    /// <summary>
    /// The writer thread: sends each deferred rest, waiting in poll for room. It runs the awaiting drain's
    /// continuation itself (a thread of its own, so the drain goes on here without a hop to the pool).
    /// </summary>
    private void DeferredWriteLoop()
    {
        while (true)
        {
            // a dedicated thread that has nothing to do until a write is deferred: it blocks here on purpose
            _deferredReady.Wait();
            // a deferred write is always attempted, even after disposal (it then fails at once on the closed
            // socket), so that whoever awaits it learns the outcome
            if (_deferredDone is not { } done)
            {
                if (_disposed) return;
                continue;
            }
            try
            {
                Write(_deferred.Span);
                _deferred = default;
                _deferredDone = null;
                done.SetResult();
            }
            catch (Exception e)
            {
                _deferred = default;
                _deferredDone = null;
                done.SetException(e);
            }
        }
    }

    public override void Flush()
    {
        // every write goes straight to the socket
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int ReadCore(Span<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = Recv(_handle, p, buffer.Length, MsgDontWait);
            if (n >= 0) return (int)n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) continue;
            if (errno != Eagain) throw Error("read from", errno);
            WaitFor(PollIn, cancellationToken);
        }
    }

    /// <summary>Bytes of <paramref name="buffer"/> the socket took without waiting (all of them, or fewer when its send buffer is full).</summary>
    private int TrySend(ReadOnlySpan<byte> buffer)
    {
        var sent = 0;
        while (sent < buffer.Length)
        {
            nint n;
            fixed (byte* p = buffer) n = Send(_handle, p + sent, buffer.Length - sent, MsgDontWait | MsgNoSignal);
            if (n >= 0)
            {
                sent += (int)n;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) continue;
            if (errno == Eagain) return sent;
            throw Error("write to", errno);
        }
        return sent;
    }

    private void WaitFor(short events, CancellationToken cancellationToken)
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var poll = new PollFd { Fd = (int)_handle.DangerousGetHandle(), Events = events };
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ready = Poll(&poll, 1, cancellationToken.CanBeCanceled ? PollSliceMs : -1);
                if (ready > 0) return;
                if (ready < 0 && Marshal.GetLastPInvokeError() is var errno && errno != Eintr) throw Error("wait on", errno);
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    private static IOException Error(string what, int errno) =>
        new($"Could not {what} the socket: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(SafeSocketHandle socket, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(SafeSocketHandle socket, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);
}
