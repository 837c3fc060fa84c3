using Microsoft.Extensions.Logging;
using Pipeline.Persistence.CircuitBreaker;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Tests.Support;

namespace Pipeline.Persistence.Tests.CircuitBreaker;

public sealed class CircuitBreakerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FlakyJournal _database = new();
    private readonly CollectingLoggerFactory _logs = new();
    private readonly CircuitBreakingJournal _journal;

    public CircuitBreakerTests()
    {
        var settings = new CircuitBreakerSettings
        {
            MaxFailures = 3,
            CallTimeout = TimeSpan.FromMilliseconds(300),
            ResetTimeout = TimeSpan.FromSeconds(1),
            MaxResetTimeout = TimeSpan.FromSeconds(3),
        };
        _journal = new CircuitBreakingJournal(_database, new JournalCircuitBreaker("journal", settings, _logs.CreateLogger("breaker"), _time));
    }

    private JournalCircuitBreaker Breaker => _journal.Breaker;

    private async Task FailTimes(int n)
    {
        for (var i = 0; i < n; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => _journal.WriteAsync(Events.Single("p", 1)));
    }

    [Fact]
    public async Task It_opens_after_max_consecutive_failures_and_then_fails_fast_without_calling_the_database()
    {
        _database.Down = true;
        await FailTimes(2);
        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
        await FailTimes(1);
        Assert.Equal(CircuitBreakerState.Open, Breaker.State);

        var callsBefore = _database.Calls;
        var error = await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => _journal.WriteAsync(Events.Single("p", 1)));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => _journal.ReadHighestSequenceNrAsync("p"));

        Assert.Equal(callsBefore, _database.Calls);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
        Assert.True(_logs.Contains(LogLevel.Warning, "opened"));
    }

    [Fact]
    public async Task A_success_resets_the_failure_count()
    {
        _database.Down = true;
        await FailTimes(2);
        _database.Down = false;
        await _journal.WriteAsync(Events.Single("p", 1));
        _database.Down = true;
        await FailTimes(2);

        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
    }

    [Fact]
    public async Task After_the_reset_timeout_one_trial_call_closes_it_when_the_database_is_back()
    {
        _database.Down = true;
        await FailTimes(3);
        _database.Down = false;
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => _journal.WriteAsync(Events.Single("p", 1)));

        _time.Advance(TimeSpan.FromSeconds(1.1));
        var result = await _journal.WriteAsync(Events.Single("p", 1));

        Assert.True(result.IsSuccess);
        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
        Assert.True(_logs.Contains(LogLevel.Information, "closed again"));
    }

    [Fact]
    public async Task A_failed_trial_reopens_it_with_an_exponentially_longer_reset_timeout_up_to_the_maximum()
    {
        _database.Down = true;
        await FailTimes(3);

        _time.Advance(TimeSpan.FromSeconds(1.1));
        await FailTimes(1); // trial fails
        Assert.Equal(CircuitBreakerState.Open, Breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(2), Breaker.CurrentResetTimeout);

        _time.Advance(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => _journal.WriteAsync(Events.Single("p", 1)));

        _time.Advance(TimeSpan.FromSeconds(0.6));
        await FailTimes(1);
        Assert.Equal(TimeSpan.FromSeconds(3), Breaker.CurrentResetTimeout); // 4 s capped at 3 s

        _time.Advance(TimeSpan.FromSeconds(3.1));
        _database.Down = false;
        await _journal.WriteAsync(Events.Single("p", 1));
        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(1), Breaker.CurrentResetTimeout);
    }

    [Fact]
    public async Task Only_one_trial_call_is_let_through_while_half_open()
    {
        _database.Down = true;
        await FailTimes(3);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        _database.Down = false;
        _database.Hang = true;

        var trial = _journal.WriteAsync(Events.Single("p", 1));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => _journal.WriteAsync(Events.Single("p", 2)));

        await Assert.ThrowsAsync<TimeoutException>(() => trial);
        Assert.Equal(CircuitBreakerState.Open, Breaker.State);
    }

    [Fact]
    public async Task Slow_calls_time_out_and_count_as_failures()
    {
        _database.Hang = true;
        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => _journal.WriteAsync(Events.Single("p", 1)));
            Assert.Contains("CallTimeout", error.Message);
        }
        Assert.Equal(CircuitBreakerState.Open, Breaker.State);
    }

    [Fact]
    public async Task Rejections_are_answers_of_a_healthy_database_and_do_not_open_it()
    {
        _database.Reject = true;
        for (var i = 0; i < 10; i++)
            Assert.False((await _journal.WriteAsync(Events.Single("p", 1))).IsSuccess);

        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
    }

    [Fact]
    public async Task Replay_failures_count_and_replay_fails_fast_while_open()
    {
        _database.Down = true;
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await _journal.ReplayAsync("p", 1, 10, 10).ToListAsync());
        Assert.Equal(CircuitBreakerState.Open, Breaker.State);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(async () => await _journal.ReplayAsync("p", 1, 10, 10).ToListAsync());

        _time.Advance(TimeSpan.FromSeconds(1.1));
        _database.Down = false;
        Assert.Single(await _journal.ReplayAsync("p", 1, 10, 10).ToListAsync());
        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
    }

    [Fact]
    public async Task A_caller_cancelling_does_not_count_as_a_database_failure()
    {
        _database.Hang = true;
        for (var i = 0; i < 5; i++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _journal.WriteAsync(Events.Single("p", 1), cts.Token));
        }
        Assert.Equal(CircuitBreakerState.Closed, Breaker.State);
    }
}
