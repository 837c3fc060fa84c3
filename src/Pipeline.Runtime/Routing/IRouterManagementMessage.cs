namespace Pipeline.Runtime.Routing;

/// <summary>Marks the messages a router handles itself instead of routing them (one type test on the hot path).</summary>
internal interface IRouterManagementMessage;
