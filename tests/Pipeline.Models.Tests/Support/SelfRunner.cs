using System.Collections.Concurrent;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pipeline.Models.Tests.Support;

/// <summary>
/// Lets the published test assembly run its own tests on a machine without the .NET SDK (the lent GPU machine has
/// none): `Pipeline.Models.Tests [name filter]` discovers and runs the tests with xunit's own engine and ends with
/// `N passed, N failed, N skipped`. `dotnet test` does not use this entry point.
/// </summary>
internal static class SelfRunner
{
    private static readonly TimeSpan DiscoveryDeadline = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(30);

    public static async Task<int> Main(string[] args)
    {
        string? filter = args.Length > 0 ? args[0] : null;
        var assembly = typeof(SelfRunner).Assembly;
        var options = new RunnerOptions();
        using var framework = new XunitTestFramework(new DiagnosticSink());
        var discovery = new DiscoverySink();
        using (var discoverer = framework.GetDiscoverer(new ReflectionAssemblyInfo(assembly)))
        {
            discoverer.Find(includeSourceInformation: false, discovery, options);
            await discovery.Finished.Task.WaitAsync(DiscoveryDeadline);
        }

        var selected = discovery.TestCases
            .Where(c => filter is null || c.DisplayName.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Console.WriteLine($"running {selected.Count} of {discovery.TestCases.Count} tests{(filter is null ? string.Empty : $" matching '{filter}'")}");
        var results = new ResultSink();
        using (var executor = framework.GetExecutor(assembly.GetName()))
        {
            executor.RunTests(selected, results, options);
            try
            {
                await results.Finished.Task.WaitAsync(RunDeadline);
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"the tests did not finish within {RunDeadline.TotalMinutes} minutes: {results.Passed} passed, {results.Failed} failed so far");
                return 1;
            }
        }

        Console.WriteLine($"{results.Passed} passed, {results.Failed} failed, {results.Skipped} skipped");
        return results.Failed == 0 && selected.Count > 0 ? 0 : 1;
    }

    private sealed class RunnerOptions : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly ConcurrentDictionary<string, object?> _values = new();

        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out object? value) && value is TValue typed ? typed : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }

    private sealed class DiagnosticSink : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is IDiagnosticMessage diagnostic)
            {
                Console.WriteLine($"[xunit] {diagnostic.Message}");
            }

            return true;
        }
    }

    private sealed class DiscoverySink : LongLivedMarshalByRefObject, IMessageSink
    {
        public List<ITestCase> TestCases { get; } = [];

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestCaseDiscoveryMessage found:
                    TestCases.Add(found.TestCase);
                    break;
                case IDiscoveryCompleteMessage:
                    Finished.TrySetResult();
                    break;
            }

            return true;
        }
    }

    private sealed class ResultSink : LongLivedMarshalByRefObject, IMessageSink
    {
        private int _passed;
        private int _failed;
        private int _skipped;

        public int Passed => _passed;

        public int Failed => _failed;

        public int Skipped => _skipped;

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestPassed passed:
                    Interlocked.Increment(ref _passed);
                    Console.WriteLine($"  passed {passed.Test.DisplayName} ({passed.ExecutionTime:F2} s)");
                    if (!string.IsNullOrWhiteSpace(passed.Output))
                    {
                        Console.Write(passed.Output);
                    }

                    break;
                case ITestFailed failed:
                    Interlocked.Increment(ref _failed);
                    Console.WriteLine($"  FAILED {failed.Test.DisplayName}: {string.Join(" / ", failed.ExceptionTypes)}: {string.Join(" / ", failed.Messages)}");
                    Console.WriteLine(string.Join(Environment.NewLine, failed.StackTraces.Where(s => s is not null)));
                    break;
                case ITestSkipped skipped:
                    Interlocked.Increment(ref _skipped);
                    Console.WriteLine($"  skipped {skipped.Test.DisplayName}: {skipped.Reason}");
                    break;
                case ITestAssemblyFinished:
                    Finished.TrySetResult();
                    break;
            }

            return true;
        }
    }
}
