namespace Pipeline.Models;

/// <summary>
/// Turns text into hashed n-gram ids for <see cref="TextClassifier"/> (the fastText recipe), without allocating per token.
/// Feature contract (reproducible in Python): tokens are maximal runs of letters or digits, lower-cased
/// (invariant); only the first <see cref="MaxTokens"/> tokens count; each token yields
/// <c>fnv1a64(token) % buckets</c> and, from the second token on, the bigram <c>fnv1a64(previous + " " + token) % buckets</c>,
/// where fnv1a64 runs over the UTF-16 code units (offset basis 14695981039346656037, prime 1099511628211, each unit
/// folded in as one value).
/// </summary>
public sealed class TextFeaturizer
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Creates a featurizer for a table of <paramref name="buckets"/> ids.</summary>
    public TextFeaturizer(long buckets, int maxTokens = 512, bool bigrams = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        Buckets = buckets;
        MaxTokens = maxTokens;
        Bigrams = bigrams;
    }

    /// <summary>Size of the id space (the embedding table's row count).</summary>
    public long Buckets { get; }

    /// <summary>How many tokens of a text are used.</summary>
    public int MaxTokens { get; }

    /// <summary>Whether bigram ids are added.</summary>
    public bool Bigrams { get; }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> and returns how many were added.</summary>
    public int AppendIds(ReadOnlySpan<char> text, List<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int added = 0;
        int tokens = 0;
        ulong previous = 0;
        int i = 0;
        while (i < text.Length && tokens < MaxTokens)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            ulong unigram = OffsetBasis;
            ulong bigram = Fold(previous, ' ');
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                char c = char.ToLowerInvariant(text[i]);
                unigram = Fold(unigram, c);
                bigram = Fold(bigram, c);
                i++;
            }

            ids.Add((long)(unigram % (ulong)Buckets));
            added++;
            if (Bigrams && tokens > 0)
            {
                ids.Add((long)(bigram % (ulong)Buckets));
                added++;
            }

            previous = unigram;
            tokens++;
        }

        return added;
    }

    private static ulong Fold(ulong hash, char c) => (hash ^ c) * Prime;
}
