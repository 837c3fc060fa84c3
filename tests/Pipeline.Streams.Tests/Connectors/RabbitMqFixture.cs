namespace Pipeline.Streams.Tests.Connectors;

/// <summary>The broker of the RabbitMQ tests: PIPELINE_TEST_RABBITMQ, set by scripts/lib/rabbitmq.sh (rabbit_start).</summary>
public static class RabbitMqFixture
{
    public static Uri Uri
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("PIPELINE_TEST_RABBITMQ");
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException("PIPELINE_TEST_RABBITMQ is not set: the RabbitMQ connector tests need a broker. Run `bash scripts/setup/rabbitmq.sh`, then `source scripts/lib/rabbitmq.sh && rabbit_start` (it exports PIPELINE_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:PORT/), and `rabbit_cleanup` afterwards.");
            return new Uri(value);
        }
    }

    public static string NewStreamName() => "test-" + Guid.NewGuid().ToString("N")[..12];
}
