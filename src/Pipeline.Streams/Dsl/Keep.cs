namespace Pipeline.Streams.Dsl;

/// <summary>Combiners of materialized values for <c>ViaMat</c>, <c>ToMat</c> and <c>RunWith</c>-style composition.</summary>
public static class Keep
{
    /// <summary>Keeps the left value.</summary>
    public static TLeft Left<TLeft, TRight>(TLeft left, TRight right) => left;

    /// <summary>Keeps the right value.</summary>
    public static TRight Right<TLeft, TRight>(TLeft left, TRight right) => right;

    /// <summary>Keeps both values.</summary>
    public static (TLeft, TRight) Both<TLeft, TRight>(TLeft left, TRight right) => (left, right);

    /// <summary>Keeps neither.</summary>
    public static NotUsed None<TLeft, TRight>(TLeft left, TRight right) => NotUsed.Instance;
}
