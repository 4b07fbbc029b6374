package chaos.spark;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager$;

/**
 * Spark's checkpoint file manager with named failpoints: set
 * {@code spark.sql.streaming.checkpointFileManagerClass=chaos.spark.FailpointCheckpointFileManager}.
 *
 * <p>Every Structured Streaming checkpoint write goes through a CheckpointFileManager: the offsets
 * WAL and commit log, the query {@code metadata}, the file source log, the HDFS state store's
 * delta and snapshot files, and the file sink's {@code _spark_metadata} log (HDFSMetadataLog).
 * This class delegates each call to the manager Spark would have picked itself (the conf key is
 * removed from a copy of the configuration before asking {@code CheckpointFileManager.create}),
 * and only hooks {@code createAtomic}: when the returned stream is closed it reports
 * {@code <kind>.before} (complete under a temporary name), lets the delegate rename it, then
 * reports {@code <kind>.written} (visible). It changes no data and no ordering: disarmed, Spark
 * behaves exactly as without it.
 *
 * <p>Must NOT: buffer or reorder writes, swallow exceptions of the delegate, or touch files it does
 * not recognise.
 */
public class FailpointCheckpointFileManager implements CheckpointFileManager {
  static final String CONF_KEY = "spark.sql.streaming.checkpointFileManagerClass";

  private final CheckpointFileManager delegate;

  public FailpointCheckpointFileManager(Path path, Configuration hadoopConf) {
    Configuration plain = new Configuration(hadoopConf);
    plain.unset(CONF_KEY);
    this.delegate = CheckpointFileManager$.MODULE$.create(path, plain);
  }

  private static File localFile(Path p) {
    URI u = p.toUri();
    if (u.getScheme() == null || "file".equals(u.getScheme())) return new File(u.getPath());
    return null;
  }

  @Override
  public CheckpointFileManager.CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    final CheckpointFileManager.CancellableFSDataOutputStream inner = delegate.createAtomic(path, overwriteIfPossible);
    final String kind = Failpoints.kindOf(path.toString());
    if (kind == null) return inner;
    final String file = path.toString();
    return new CheckpointFileManager.CancellableFSDataOutputStream(inner) {
      private boolean closed = false;

      @Override
      public void cancel() {
        closed = true;
        inner.cancel();
      }

      @Override
      public void close() throws IOException {
        if (closed) return;
        closed = true;
        Failpoints.reached(kind, "before", file, null);
        inner.close();
        Failpoints.reached(kind, "written", file, localFile(path));
      }
    };
  }

  @Override
  public FSDataInputStream open(Path path) {
    return delegate.open(path);
  }

  @Override
  public FileStatus[] list(Path path, PathFilter filter) {
    return delegate.list(path, filter);
  }

  @Override
  public void mkdirs(Path path) {
    delegate.mkdirs(path);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public void delete(Path path) {
    delegate.delete(path);
  }

  @Override
  public boolean isLocal() {
    return delegate.isLocal();
  }

  @Override
  public Path createCheckpointDirectory() {
    return delegate.createCheckpointDirectory();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
