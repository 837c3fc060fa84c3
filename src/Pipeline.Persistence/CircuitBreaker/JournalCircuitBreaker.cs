using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Configuration;

namespace Pipeline.Persistence.CircuitBreaker;

/// <summary>
/// A circuit breaker (closed / open / half-open) in front of a store. It opens after
/// <see cref="CircuitBreakerSettings.MaxFailures"/> consecutive failures or timeouts, fails calls fast while open,
/// lets one trial call through after the reset timeout (which doubles after each failed trial, up to a maximum),
/// and closes by itself on the first success: nothing stays stuck once the database is back.
/// </summary>
public sealed class JournalCircuitBreaker
{
    private readonly object _gate = new();
    private readonly CircuitBreakerSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _name;
    private volatile CircuitBreakerState _state;
    private volatile int _failures;
    private long _openUntil;
    private TimeSpan _resetTimeout;
    private bool _trialInFlight;
    private Exception? _lastFailure;
    private TimeoutBucket? _timeoutBucket;

    /// <summary>Creates a closed breaker.</summary>
    /// <param name="name">What it protects, for logs and errors (e.g. "journal").</param>
    /// <param name="settings">Failure count and timeouts.</param>
    /// <param name="logger">Receives state changes.</param>
    /// <param name="time">Clock; tests may pass a fake one.</param>
    public JournalCircuitBreaker(string name, CircuitBreakerSettings settings, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        _name = name;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _resetTimeout = settings.ResetTimeout;
    }

    /// <summary>The current state (an open breaker whose timeout passed still reads Open until a call tries).</summary>
    public CircuitBreakerState State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>The reset timeout the breaker will use the next time it opens from half-open.</summary>
    public TimeSpan CurrentResetTimeout
    {
        get
        {
            lock (_gate)
                return _resetTimeout;
        }
    }

    /// <summary>Runs <paramref name="call"/> under the breaker: fails fast when open, counts failures and timeouts.</summary>
    /// <exception cref="CircuitBreakerOpenException">The breaker is open.</exception>
    /// <exception cref="TimeoutException">The call took longer than the call timeout (it counts as a failure).</exception>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ExecuteAsync(call, static (c, ct) => c(ct), cancellationToken, applyCallTimeout: true);
    }

    /// <summary>Like <see cref="ExecuteAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>, passing <paramref name="state"/> so hot paths need no closure.</summary>
    /// <param name="state">Passed to <paramref name="call"/>.</param>
    /// <param name="call">The protected call.</param>
    /// <param name="cancellationToken">The caller's cancellation; cancelling is not a failure.</param>
    /// <param name="applyCallTimeout">False when the callee already bounds the call by CallTimeout (the SQL journals' writes, timed per batch).</param>
    public async Task<T> ExecuteAsync<TState, T>(TState state, Func<TState, CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool applyCallTimeout)
    {
        ArgumentNullException.ThrowIfNull(call);
        var trial = Enter();
        var settled = false;
        try
        {
            T result;
            var timeoutToken = CancellationToken.None;
            try
            {
                var task = call(state, cancellationToken);
                if (applyCallTimeout && !task.IsCompleted)
                {
                    timeoutToken = TimeoutToken();
                    task = task.WaitAsync(timeoutToken);
                }
                result = await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeoutToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var timeout = new TimeoutException($"The {_name} call did not complete within {_settings.CallTimeout.TotalMilliseconds:F0} ms (Pipeline:Persistence:CircuitBreaker:CallTimeout); its outcome is unknown.", ex);
                settled = true;
                OnFailure(timeout, trial);
                throw timeout;
            }
            settled = true;
            OnSuccess(trial);
            return result;
        }
        catch (Exception ex) when (!settled && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            settled = true;
            OnFailure(ex, trial);
            throw;
        }
        finally
        {
            if (!settled)
                Abandon(trial);
        }
    }

    /// <summary>
    /// A token that fires between CallTimeout and 1.25 x CallTimeout after now. Calls share one timer per quarter of
    /// the timeout instead of one timer each, which keeps the breaker off the write hot path's profile.
    /// </summary>
    private CancellationToken TimeoutToken()
    {
        var granularity = _settings.CallTimeout / 4;
        while (true)
        {
            var bucket = Volatile.Read(ref _timeoutBucket);
            var now = _time.GetTimestamp();
            if (bucket is not null && !bucket.Source.IsCancellationRequested && _time.GetElapsedTime(bucket.CreatedAt, now) < granularity)
                return bucket.Source.Token;
            var fresh = new TimeoutBucket(new CancellationTokenSource(_settings.CallTimeout + granularity, _time), now);
            if (Interlocked.CompareExchange(ref _timeoutBucket, fresh, bucket) == bucket)
                return fresh.Source.Token;
            fresh.Source.Dispose();
        }
    }

    private sealed record TimeoutBucket(CancellationTokenSource Source, long CreatedAt);

    /// <summary>Records that a call the breaker did not run itself (e.g. a streaming read) succeeded.</summary>
    public void RecordSuccess(bool trial) => OnSuccess(trial);

    /// <summary>Forgets an admitted call that ended without an outcome (cancelled by its caller): a trial slot is freed.</summary>
    public void Abandon(bool trial)
    {
        if (!trial)
            return;
        lock (_gate)
            _trialInFlight = false;
    }

    /// <summary>Records that a call the breaker did not run itself failed.</summary>
    public void RecordFailure(Exception failure, bool trial) => OnFailure(failure, trial);

    /// <summary>Admits a call or throws when open; true when the admitted call is the half-open trial.</summary>
    public bool Enter()
    {
        if (_state == CircuitBreakerState.Closed)
            return false;
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitBreakerState.Closed:
                    return false;
                case CircuitBreakerState.Open:
                    var now = _time.GetTimestamp();
                    if (now < _openUntil)
                        throw new CircuitBreakerOpenException(_name, _time.GetElapsedTime(now, _openUntil), _lastFailure);
                    _state = CircuitBreakerState.HalfOpen;
                    _trialInFlight = true;
                    _logger.LogInformation("The {Name} circuit breaker is half-open: trying one call", _name);
                    return true;
                default:
                    if (_trialInFlight)
                        throw new CircuitBreakerOpenException(_name, TimeSpan.Zero, _lastFailure);
                    _trialInFlight = true;
                    return true;
            }
        }
    }

    private void OnSuccess(bool trial)
    {
        if (!trial && _failures == 0 && _state == CircuitBreakerState.Closed)
            return;
        lock (_gate)
        {
            _failures = 0;
            if (trial)
                _trialInFlight = false;
            if (_state == CircuitBreakerState.Closed)
                return;
            _state = CircuitBreakerState.Closed;
            _resetTimeout = _settings.ResetTimeout;
            _lastFailure = null;
        }
        _logger.LogInformation("The {Name} circuit breaker is closed again: the database answers", _name);
    }

    private void OnFailure(Exception failure, bool trial)
    {
        TimeSpan openFor;
        lock (_gate)
        {
            _lastFailure = failure;
            if (trial)
                _trialInFlight = false;
            if (_state == CircuitBreakerState.Closed)
            {
                _failures++;
                if (_failures < _settings.MaxFailures)
                    return;
                openFor = _resetTimeout;
            }
            else if (_state == CircuitBreakerState.HalfOpen && trial)
            {
                _resetTimeout = TimeSpan.FromTicks(Math.Min(_resetTimeout.Ticks * 2, _settings.MaxResetTimeout.Ticks));
                openFor = _resetTimeout;
            }
            else
            {
                return;
            }
            _state = CircuitBreakerState.Open;
            _failures = 0;
            _openUntil = _time.GetTimestamp() + (long)(openFor.TotalSeconds * _time.TimestampFrequency);
        }
        _logger.LogWarning(failure, "The {Name} circuit breaker opened after repeated failures; failing fast for {OpenFor}", _name, openFor);
    }
}
