package dev.clawbus.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive use of a broker data directory. Kafka locks its log directory only once the broker half starts, after the
 * controller half has already opened the metadata log in the same directory; a second broker on the same directory
 * would write to that log before failing. Taking this lock first keeps it out entirely.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "clawbus-broker.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) throws IOException {
    FileChannel channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this JVM
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("cannot start Kafka: " + dataDir + " is in use by another broker");
    }
    return new DataDirLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases it as well.
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing to do: the OS drops the lock when the process ends at the latest.
    }
  }
}
