using System.Globalization;
using Pipeline.Cluster.Addressing;

namespace Pipeline.Cluster.Membership.Store;

/// <summary>
/// Text columns of the membership table: roles as "a,b", votes as "voter|unixMillis;voter|unixMillis|gone" (the
/// "|gone" suffix marks a vote with evidence that the process is gone).
/// </summary>
internal static class MemberTextCodec
{
    private const string GoneSuffix = "|gone";

    public static string EncodeRoles(IReadOnlyList<string> roles)
    {
        foreach (var role in roles)
            if (string.IsNullOrWhiteSpace(role) || role.Contains(',', StringComparison.Ordinal))
                throw new ArgumentException($"Role '{role}' is empty or contains a comma.", nameof(roles));
        return string.Join(',', roles);
    }

    public static IReadOnlyList<string> DecodeRoles(string text) =>
        text.Length == 0 ? [] : text.Split(',');

    public static string EncodeVotes(IEnumerable<SuspicionVote> votes) =>
        string.Join(';', votes.Select(v => $"{v.Voter}|{v.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}{(v.ProcessGone ? GoneSuffix : "")}"));

    public static IReadOnlyList<SuspicionVote> DecodeVotes(string text)
    {
        if (text.Length == 0) return [];
        var votes = new List<SuspicionVote>();
        foreach (var entry in text.Split(';'))
        {
            var gone = entry.EndsWith(GoneSuffix, StringComparison.Ordinal);
            var part = gone ? entry[..^GoneSuffix.Length] : entry;
            var bar = part.LastIndexOf('|');
            if (bar < 0 || !long.TryParse(part.AsSpan(bar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
                throw new MembershipStoreException($"Unreadable suspicion vote '{entry}' in the membership table.");
            UniqueAddress voter;
            try
            {
                voter = UniqueAddress.Parse(part[..bar]);
            }
            catch (FormatException ex)
            {
                throw new MembershipStoreException($"Unreadable suspicion vote '{entry}' in the membership table: {ex.Message}");
            }
            votes.Add(new SuspicionVote(voter, DateTimeOffset.FromUnixTimeMilliseconds(millis), gone));
        }
        return votes;
    }
}
