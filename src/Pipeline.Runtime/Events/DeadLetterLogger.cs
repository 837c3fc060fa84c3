using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Events;

/// <summary>
/// Logs dead letters without flooding the log: the first <c>limit</c> in each interval are logged one by one,
/// the rest are counted and summarised once the interval ends.
/// </summary>
internal sealed class DeadLetterLogger(ILogger log, TimeProvider time, int limit, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _windowStart = long.MinValue;
    private int _loggedInWindow;
    private long _suppressed;

    public void OnDeadLetter(DeadLetter deadLetter)
    {
        if (limit <= 0) return;
        long suppressedToReport = 0;
        bool logThis;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= interval)
            {
                suppressedToReport = _suppressed;
                _suppressed = 0;
                _loggedInWindow = 0;
                _windowStart = now;
            }
            logThis = _loggedInWindow < limit;
            if (logThis) _loggedInWindow++;
            else _suppressed++;
        }
        if (suppressedToReport > 0)
            log.LogInformation("{Count} more dead letters were not logged in the last {Interval}", suppressedToReport, interval);
        if (logThis)
            log.LogInformation("Dead letter: {MessageType} from {Sender} to {Recipient} ({Reason})",
                deadLetter.Message.GetType().Name, deadLetter.Sender?.Path.ToString() ?? "NoSender", deadLetter.Recipient.Path, deadLetter.Reason);
    }
}
