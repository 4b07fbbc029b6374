package chaos.spark;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Hadoop's local file system with named failpoints at the renames that publish a checkpoint file
 * written outside Structured Streaming: an RDD checkpoint's part files
 * ({@code <dir>/<uuid>/rdd-N/part-0000k}, ReliableCheckpointRDD writes a temp file and renames it)
 * and a DStream checkpoint ({@code checkpoint-<time>}, CheckpointWriter). Set
 * {@code spark.hadoop.fs.file.impl=chaos.spark.FailpointLocalFileSystem} with
 * {@code spark.hadoop.fs.file.impl.disable.cache=true}.
 *
 * <p>Must NOT change what a rename does: the hook runs before and after the real one.
 */
public class FailpointLocalFileSystem extends LocalFileSystem {
  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    String kind = Failpoints.kindOf(dst.toString());
    if (kind == null) return super.rename(src, dst);
    Failpoints.reached(kind, "before", dst.toString(), null);
    boolean ok = super.rename(src, dst);
    Failpoints.reached(kind, "written", dst.toString(), ok ? new File(pathToFile(dst).getPath()) : null);
    return ok;
  }
}
