package chaos.spark;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named failpoints in a Spark driver JVM, armed from outside with the same syntax as the built-in
 * engine's (engine/failpoints.ts): a comma-separated list of {@code name[:occurrence]:action},
 * action = {@code crash | tear | delay:<ms>}, from the system property {@code chaos.failpoints}
 * (or the environment variable {@code CHAOS_FAILPOINTS}).
 *
 * <p>A point is named after the checkpoint file it concerns and the moment: {@code <kind>.before}
 * (the file is complete under its temporary name, not yet visible) and {@code <kind>.written} (it
 * is visible under its final name). Kinds: {@code metadata}, {@code offsets}, {@code commits},
 * {@code source-log}, {@code state.delta}, {@code state.snapshot}, {@code sink-metadata}
 * ({@code _spark_metadata/N}), {@code rdd-checkpoint}, {@code dstream-checkpoint}.
 * {@code occurrence} (default 1) counts how often this JVM reached that name.
 *
 * <p>{@code crash} halts the JVM at once ({@link Runtime#halt}, exit code 137 like SIGKILL): no
 * shutdown hook, no finally block, no flush — what a power cut or a SIGKILL leaves. {@code tear}
 * cuts the file that just became visible to half its bytes, then halts: a store without atomic
 * rename. Before an action fires a line {@code {"failpoint":name,"occurrence":n,"action":a}} is
 * appended to the events file, so the harness knows exactly where the process died.
 *
 * <p>With the system property {@code chaos.events} (or {@code CHAOS_SPARK_EVENTS}) naming a file,
 * every point reached is appended there as one JSON line ({@code {"point":..,"file":..,"t":..}}),
 * written and flushed before the call returns: the harness reads what each incarnation did
 * (batches planned, committed, state written) from it, never from Spark's logs.
 *
 * <p>Disarmed and without an events file, {@link #reached} returns at its first line.
 */
public final class Failpoints {
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$");

  static final class Spec {
    final String name;
    final int occurrence;
    final String action;
    final long delayMs;

    Spec(String name, int occurrence, String action, long delayMs) {
      this.name = name;
      this.occurrence = occurrence;
      this.action = action;
      this.delayMs = delayMs;
    }
  }

  private static final List<Spec> SPECS = parse(setting("chaos.failpoints", "CHAOS_FAILPOINTS"));
  private static final String EVENTS = setting("chaos.events", "CHAOS_SPARK_EVENTS");
  private static final boolean ACTIVE = !SPECS.isEmpty() || EVENTS != null;
  private static final Map<String, Integer> COUNTS = new HashMap<>();

  private Failpoints() {}

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    if (v == null || v.isEmpty()) v = System.getenv(env);
    return v == null || v.isEmpty() ? null : v;
  }

  static List<Spec> parse(String text) {
    List<Spec> out = new ArrayList<>();
    if (text == null || text.trim().isEmpty()) return out;
    for (String raw : text.split(",")) {
      String part = raw.trim();
      String[] p = part.split(":");
      int i = 0;
      String name = p[i++];
      if (!NAME.matcher(name).matches()) throw bad(part, "the name must look like step.point");
      int occurrence = 1;
      if (i < p.length && p[i].matches("\\d+")) occurrence = Integer.parseInt(p[i++]);
      if (occurrence < 1) throw bad(part, "occurrence counts from 1");
      if (i >= p.length) throw bad(part, "missing action");
      String action = p[i++];
      long delay = 0;
      switch (action) {
        case "crash":
        case "tear":
          break;
        case "delay":
          if (i >= p.length || !p[i].matches("\\d+")) throw bad(part, "delay needs milliseconds, e.g. delay:200");
          delay = Long.parseLong(p[i++]);
          break;
        default:
          throw bad(part, "unknown action \"" + action + "\" (crash | tear | delay:<ms>)");
      }
      if (i < p.length) throw bad(part, "unexpected text after the action");
      out.add(new Spec(name, occurrence, action, delay));
    }
    return out;
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("bad failpoint \"" + text + "\": " + why
        + ". Expected name[:occurrence]:action, e.g. commits.before:2:crash");
  }

  /** What kind of checkpoint file {@code path} is, or null when it is none we name. */
  static String kindOf(String path) {
    String p = path.replace('\\', '/');
    String name = p.substring(p.lastIndexOf('/') + 1);
    String parent = parentName(p);
    if (p.contains("/_spark_metadata/") && name.matches("\\d+(\\.compact)?")) return "sink-metadata";
    if (parent.equals("offsets") && name.matches("\\d+")) return "offsets";
    if (parent.equals("commits") && name.matches("\\d+")) return "commits";
    if (name.equals("metadata")) return "metadata";
    if (p.matches(".*/sources/\\d+/\\d+(\\.compact)?$")) return "source-log";
    if (p.contains("/state/") && name.endsWith(".delta")) return "state.delta";
    if (p.contains("/state/") && name.endsWith(".snapshot")) return "state.snapshot";
    if (p.matches(".*/rdd-\\d+/part-\\d+$")) return "rdd-checkpoint";
    if (name.matches("checkpoint-\\d+")) return "dstream-checkpoint";
    return null;
  }

  private static String parentName(String p) {
    int end = p.lastIndexOf('/');
    if (end <= 0) return "";
    int start = p.lastIndexOf('/', end - 1);
    return p.substring(start + 1, end);
  }

  /** The batch/version number in a checkpoint file name, or -1. */
  static long numberOf(String path) {
    Matcher m = Pattern.compile("(\\d+)(\\.(delta|snapshot|compact))?$").matcher(path);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The file at {@code path} (local path when {@code local} is not null) reached point {@code kind.moment}. */
  static void reached(String kind, String moment, String path, java.io.File local) {
    if (!ACTIVE || kind == null) return;
    String name = kind + "." + moment;
    Spec fire = null;
    int n;
    synchronized (COUNTS) {
      n = COUNTS.merge(name, 1, Integer::sum);
      for (Spec s : SPECS) if (s.name.equals(name) && s.occurrence == n) fire = s;
      event("{\"point\":\"" + name + "\",\"occurrence\":" + n + ",\"n\":" + numberOf(path)
          + ",\"file\":\"" + escape(path) + "\",\"t\":" + System.currentTimeMillis() + "}");
    }
    if (fire == null) return;
    event("{\"failpoint\":\"" + name + "\",\"occurrence\":" + n + ",\"action\":\"" + fire.action
        + "\",\"t\":" + System.currentTimeMillis() + "}");
    switch (fire.action) {
      case "delay":
        try {
          Thread.sleep(fire.delayMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      case "tear":
        if (local != null && local.isFile()) {
          try (RandomAccessFile f = new RandomAccessFile(local, "rw")) {
            f.setLength(f.length() / 2);
            f.getFD().sync();
          } catch (IOException e) {
            // the halt below still happens: a failed tear is a plain crash
          }
        }
        halt(name);
        return;
      default:
        halt(name);
    }
  }

  private static void halt(String name) {
    System.err.println("chaos failpoint " + name + ": halting the JVM");
    System.err.flush();
    Runtime.getRuntime().halt(137);
  }

  private static void event(String line) {
    if (EVENTS == null) return;
    try (FileOutputStream out = new FileOutputStream(EVENTS, true)) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    } catch (IOException e) {
      // events are diagnostics for the harness; a failed append must not change Spark's behaviour
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
