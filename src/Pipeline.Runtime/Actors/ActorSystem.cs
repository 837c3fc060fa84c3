using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Diagnostics;
using Pipeline.Runtime.Dispatch;
using Pipeline.Runtime.Events;
using Pipeline.Runtime.Patterns;
using Pipeline.Runtime.Scheduling;
using Pipeline.Runtime.Serialization;
using Pipeline.Runtime.Shutdown;
using Pipeline.Runtime.Supervision;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// A hierarchy of actors with its dispatchers, scheduler, event stream, serializers and shutdown sequence.
/// One per process (or several in tests). Top-level actors are created with <see cref="ActorOf"/> under
/// <c>/user</c>; <see cref="Terminate"/> runs the coordinated shutdown and stops everything in order.
/// </summary>
public sealed class ActorSystem : IActorRefFactory, IActorRefResolver, IAsyncDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, InternalActorRef> _temp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, Lazy<object>> _extensions = new();
    private readonly TimeProviderScheduler _scheduler;
    private readonly DeadLetterLogger _deadLetterLogger;
    private readonly ILogger _log;
    private readonly ActorCell _root;
    private readonly ActorCell _user;
    private readonly ActorCell _systemGuardian;
    private IRemoteActorRefProvider? _remote;
    private long _tempCounter;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        if (string.IsNullOrWhiteSpace(name) || name.AsSpan().IndexOfAny("/@:# ") >= 0)
            throw new ArgumentException($"Invalid actor system name '{name}': use letters, digits, '-' and '_'.", nameof(name));
        settings.Validate();
        Name = name;
        Settings = settings;
        Address = new Address(Address.DefaultProtocol, name, settings.Host, settings.Port);
        LoggerFactory = settings.LoggerFactory;
        TimeProvider = settings.TimeProvider;
        _log = LoggerFactory.CreateLogger("Pipeline.Runtime.ActorSystem");
        Metrics = new RuntimeMetrics(name);
        EventStream = new EventStream(LoggerFactory.CreateLogger("Pipeline.Runtime.EventStream"));
        _scheduler = new TimeProviderScheduler(TimeProvider, LoggerFactory.CreateLogger("Pipeline.Runtime.Scheduler"));
        Dispatchers = new Dispatchers(settings.DefaultDispatcherThroughput, settings.PinnedDispatcherThroughput);
        Serialization = new SerializationRegistry(settings.Serialization with { ActorRefResolver = settings.Serialization.ActorRefResolver ?? this });
        SerializeAllMessages = settings.SerializeAllMessages;
        CoordinatedShutdown = new CoordinatedShutdown(LoggerFactory.CreateLogger("Pipeline.Runtime.CoordinatedShutdown"), settings.ShutdownPhaseTimeout);
        _deadLetterLogger = new DeadLetterLogger(LoggerFactory.CreateLogger("Pipeline.Runtime.DeadLetters"), TimeProvider, settings.DeadLetterLogLimit, settings.DeadLetterLogInterval);

        var rootPath = ActorPath.RootOf(Address);
        DeadLettersRef = new DeadLetterActorRef(this, rootPath.Child("deadLetters"));
        TempContainer = new VirtualPathContainer(this, rootPath.Child("temp"));
        var rootParent = new RootParentRef(this, rootPath.Child("bubble-walker"));
        _root = new ActorCell(this, rootParent, rootPath, Props.Create(static () => new RootGuardianActor()), Dispatchers.Default);
        _root.Start();
        _user = (ActorCell)_root.ActorOf(Props.Create(() => new GuardianActor(settings.DefaultSupervisorStrategy)), "user");
        _systemGuardian = (ActorCell)_root.ActorOf(Props.Create(static () => new GuardianActor(SupervisorStrategy.Default)), "system");
        _root.Tell(new RootGuardianActor.WatchGuardians(_user, _systemGuardian));
        CoordinatedShutdown.AddTask(CoordinatedShutdown.Phases.ActorSystemTerminate, "stop-guardians", async ct =>
        {
            _user.Stop();
            await WhenTerminated.WaitAsync(ct).ConfigureAwait(false);
        });
    }

    /// <summary>Creates and starts an actor system.</summary>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null) => new(name, settings ?? ActorSystemSettings.Default);

    /// <summary>The system's name.</summary>
    public string Name { get; }

    /// <summary>The settings it was created with.</summary>
    public ActorSystemSettings Settings { get; }

    /// <summary>The system's address (with host and port once it takes part in a cluster).</summary>
    public Address Address { get; private set; }

    /// <summary>Where the kernel and actors log.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The system clock (virtual in tests).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Kernel metrics.</summary>
    public RuntimeMetrics Metrics { get; }

    /// <summary>The system's publish/subscribe bus.</summary>
    public EventStream EventStream { get; }

    /// <summary>Sends messages later.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>The dispatchers by id.</summary>
    public Dispatchers Dispatchers { get; }

    /// <summary>The serializer registry (messages, persistence, remoting).</summary>
    public SerializationRegistry Serialization { get; }

    /// <summary>The ordered shutdown sequence.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Where undeliverable messages go.</summary>
    public IActorRef DeadLetters => DeadLettersRef;

    /// <summary>Completes once the system has fully terminated.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal bool SerializeAllMessages { get; }

    internal DeadLetterActorRef DeadLettersRef { get; }

    internal InternalActorRef TempContainer { get; }

    internal ActorCell Root => _root;

    internal ActorCell UserGuardian => _user;

    /// <summary>Creates a top-level actor under /user.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _user.ActorOf(props, name);

    /// <summary>Creates a system actor under /system (infrastructure: cluster, sharding, persistence).</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>Looks actors up by absolute path (relative paths start at /user).</summary>
    public ActorSelection ActorSelection(string path)
        => path.StartsWith('/') || path.Contains("://", StringComparison.Ordinal) ? Actors.ActorSelection.Create(_root, path) : Actors.ActorSelection.Create(_user, path);

    /// <summary>Stops an actor.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is InternalActorRef r) r.Stop();
    }

    /// <summary>Runs the coordinated shutdown, which terminates the system; completes when it has terminated.</summary>
    public async Task Terminate()
    {
        _ = CoordinatedShutdown.RunAsync(ShutdownReason.ActorSystemTerminate);
        await WhenTerminated.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    // ---- extensions -------------------------------------------------------------------------------------

    /// <summary>
    /// Returns the system's single instance of an extension (persistence, cluster, sharding), creating it
    /// with <paramref name="factory"/> on first use. Thread-safe: the factory runs once.
    /// </summary>
    public T GetOrAddExtension<T>(Func<ActorSystem, T> factory) where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        var lazy = _extensions.GetOrAdd(typeof(T), _ => new Lazy<object>(() => factory(this), LazyThreadSafetyMode.ExecutionAndPublication));
        return (T)lazy.Value;
    }

    /// <summary>Returns an extension if it was created, else null.</summary>
    public T? GetExtension<T>() where T : class
        => _extensions.TryGetValue(typeof(T), out var lazy) && lazy.IsValueCreated ? (T)lazy.Value : null;

    // ---- resolution -------------------------------------------------------------------------------------

    /// <summary>Plugs in remoting: refs and selections on other addresses go through it.</summary>
    public void RegisterRemoteProvider(IRemoteActorRefProvider provider, Address publicAddress)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (Interlocked.CompareExchange(ref _remote, provider, null) is not null)
            throw new InvalidOperationException("A remote provider is already registered for this actor system.");
        Address = publicAddress;
    }

    /// <summary>
    /// Finds the actor at a full path (with optional <c>#uid</c>); a local path with no live actor, or with
    /// another uid, yields a reference whose messages become dead letters.
    /// </summary>
    public IActorRef Resolve(string path) => ResolveActorRef(ActorPath.Parse(path));

    /// <summary>Finds the actor at a path (see <see cref="Resolve(string)"/>).</summary>
    public IActorRef ResolveActorRef(ActorPath path)
    {
        if (!IsLocal(path.Address))
            return _remote?.ResolveRemote(path) ?? new DeadLetterActorRef(this, path);
        var elements = path.Elements;
        if (elements.Count == 2 && elements[0] == "temp" && _temp.TryGetValue(elements[1], out var temp)) return temp;
        InternalActorRef current = _root;
        foreach (var element in elements)
        {
            var next = current.GetChild(element);
            if (next is null) return new DeadLetterActorRef(this, path);
            current = next;
        }
        if (path.Uid != 0 && current.Path.Uid != path.Uid) return new DeadLetterActorRef(this, path);
        return current;
    }

    /// <inheritdoc />
    public string ToSerializationFormat(IActorRef actorRef)
    {
        var p = actorRef.Path;
        var text = p.Address.HasGlobalScope || !IsLocal(p.Address) ? p.ToString() : p.ToStringWithAddress(Address);
        return p.Uid == 0 ? text : text + "#" + p.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool IsLocal(Address address)
        => address.Equals(Address) || (address.System == Name && (address.Host is null || Address.Host is null));

    internal ActorSelection? RemoteSelection(ActorPath path) => _remote?.Selection(path);

    // ---- kernel services ---------------------------------------------------------------------------------

    internal int NewUid()
    {
        int uid;
        do uid = Random.Shared.Next(); while (uid == 0);
        return uid;
    }

    internal ActorPath NewTempPath()
    {
        var n = Interlocked.Increment(ref _tempCounter);
        return TempContainer.Path.Child("$" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), NewUid());
    }

    /// <summary>Makes a temporary ref resolvable by path (remote asks answer to it).</summary>
    internal void RegisterTemp(InternalActorRef actorRef) => _temp[actorRef.Path.Name] = actorRef;

    internal void UnregisterTemp(InternalActorRef actorRef)
    {
        if (!_temp.IsEmpty) _temp.TryRemove(new KeyValuePair<string, InternalActorRef>(actorRef.Path.Name, actorRef));
    }

    internal object VerifySerialization(object message) => Serialization.RoundTrip(message);

    internal void DeadLetter(object message, IActorRef? sender, IActorRef recipient, string reason)
    {
        if (message is Actors.DeadLetter or ReceiveTimeoutTick) return;
        PublishDeadLetter(new DeadLetter(message, sender, recipient, reason));
    }

    internal void PublishDeadLetter(DeadLetter deadLetter)
    {
        Metrics.DeadLetter();
        _deadLetterLogger.OnDeadLetter(deadLetter);
        EventStream.Publish(deadLetter);
    }

    internal void PublishActorFailure(IActorRef actor, Exception cause, object? message)
        => EventStream.Publish(new ActorFailed(actor, cause, message));

    internal void LogActorError(IActorRef actor, Exception e, string what)
        => _log.LogError(e, "{Actor}: {What}", actor.Path, what);

    internal void LogSupervision(IActorRef child, Exception cause, Directive directive, string? why = null)
    {
        var level = directive == Directive.Resume ? LogLevel.Warning : LogLevel.Error;
        if (!_log.IsEnabled(level)) return;
        _log.Log(level, cause, "{Actor} failed with {Exception}: {Directive}{Why}", child.Path, cause.GetType().Name, directive, why is null ? "" : " (" + why + ")");
    }

    internal void OnRootTerminated()
    {
        _scheduler.Dispose();
        Dispatchers.Shutdown();
        Metrics.Dispose();
        _terminated.TrySetResult();
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Address})";
}

/// <summary>
/// Implemented by the remoting layer (Pipeline.Cluster) so that the kernel can hand it references and
/// selections whose address is another node, without knowing anything about networks.
/// </summary>
public interface IRemoteActorRefProvider
{
    /// <summary>A reference to an actor on another node.</summary>
    IActorRef ResolveRemote(ActorPath path);

    /// <summary>A selection on another node.</summary>
    ActorSelection Selection(ActorPath path);
}
