using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Sql;

/// <summary>
/// The single writer of a journal (each batch bounded by a timeout, one timer per batch rather than per write): concurrent callers enqueue atomic writes into a bounded channel; one loop
/// drains what is queued (up to a batch size in events) and stores it in one transaction. Callers await only
/// their own result, and many callers share one commit, which is what makes PersistAsync from many actors fast.
/// </summary>
internal sealed class BatchingWriter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue;
    private readonly Func<List<PendingWrite>, CancellationToken, Task> _storeBatch;
    private readonly int _maxBatchEvents;
    private readonly TimeSpan _batchTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="storeBatch">Stores one batch in one transaction and sets each write's <see cref="PendingWrite.Outcome"/>; throws if the database fails.</param>
    /// <param name="maxBatchEvents">Most events stored in one transaction.</param>
    /// <param name="queueCapacity">Most atomic writes queued before callers wait (backpressure).</param>
    /// <param name="batchTimeout">A batch still running after this is cancelled and its writes fail with a <see cref="TimeoutException"/>.</param>
    /// <param name="logger">Where batch failures are logged.</param>
    public BatchingWriter(Func<List<PendingWrite>, CancellationToken, Task> storeBatch, int maxBatchEvents, int queueCapacity, TimeSpan batchTimeout, ILogger logger)
    {
        _batchTimeout = batchTimeout;
        _storeBatch = storeBatch;
        _maxBatchEvents = maxBatchEvents;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one atomic write; the task completes once its batch committed (or failed).</summary>
    public Task<WriteResult> EnqueueAsync(AtomicWrite write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(write);
        if (_queue.Writer.TryWrite(pending))
            return cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task;
        return EnqueueSlowAsync(pending, cancellationToken);
    }

    private async Task<WriteResult> EnqueueSlowAsync(PendingWrite pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(BatchingWriter), "The journal is disposed; the write was not stored.");
        }
        return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(256);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var events = 0;
                while (events < _maxBatchEvents && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    events += pending.Write.Events.Count;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_batchTimeout);
                var store = _storeBatch(batch, timeout.Token);
                try
                {
                    // the callers are released at the timeout even if the database call ignores cancellation
                    await store.WaitAsync(timeout.Token).ConfigureAwait(false);
                    Publish(batch, null);
                }
                catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
                {
                    var timedOut = new TimeoutException($"A journal batch of {batch.Count} writes did not complete within {_batchTimeout.TotalMilliseconds:F0} ms (Pipeline:Persistence:CircuitBreaker:CallTimeout); its outcome is unknown.", ex);
                    _logger.LogWarning(timedOut, "Journal batch timed out");
                    Publish(batch, timedOut);
                    await DrainAsync(store).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(ex, "Journal batch of {Writes} writes ({Events} events) failed", batch.Count, events);
                    Publish(batch, ex);
                    await DrainAsync(store).ConfigureAwait(false);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposing: fall through and fail what is left
        }

        var disposed = new ObjectDisposedException(nameof(BatchingWriter), "The journal was disposed before the write was stored.");
        foreach (var pending in batch)
            pending.TrySetException(disposed);
        while (reader.TryRead(out var left))
            left.TrySetException(disposed);
    }

    /// <summary>Completes a batch's callers (their continuations are queued to the thread pool, see <see cref="PendingWrite"/>).</summary>
    private static void Publish(List<PendingWrite> batch, Exception? failure)
    {
        foreach (var pending in batch)
        {
            if (failure is null)
                pending.TrySetResult(pending.Outcome);
            else
                pending.TrySetException(failure);
        }
    }

    /// <summary>Waits for an abandoned batch to end (one writer connection: the next batch must not overlap it).</summary>
    private async Task DrainAsync(Task store)
    {
        try
        {
            await store.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "An abandoned journal batch ended with an error");
        }
    }

    /// <summary>Stops accepting writes, lets the queued ones be stored, then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Stops the loop without waiting for queued writes (they fail with ObjectDisposedException).</summary>
    public void Abort() => _stop.Cancel();
}
