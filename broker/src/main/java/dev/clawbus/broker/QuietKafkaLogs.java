package dev.clawbus.broker;

/**
 * The broker logs its whole configuration and every state change at INFO. With the slf4j-simple binding, per-logger
 * levels are read from system properties when each logger is created, so setting them before the broker's classes
 * log anything keeps the console readable. Levels an operator set explicitly are left alone; other bindings ignore
 * these properties.
 */
final class QuietKafkaLogs {
  private static final String PREFIX = "org.slf4j.simpleLogger.log.";
  private static final String[] LOGGERS = {"kafka", "org.apache.kafka", "state.change.logger", "kafka.request.logger"};

  private QuietKafkaLogs() {}

  static void apply() {
    for (String logger : LOGGERS) {
      if (System.getProperty(PREFIX + logger) == null) {
        System.setProperty(PREFIX + logger, "warn");
      }
    }
  }
}
