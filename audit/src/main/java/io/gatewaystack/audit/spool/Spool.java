package io.gatewaystack.audit.spool;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The durable local spool: an append-only write-ahead log of audit records in size-rotated segment files
 * ({@code seg-<first position>.spool}).
 *
 * <p>Frame: {@code int length | int crc32c | long pos | byte type | payload (UTF-8)}; the CRC covers pos, type
 * and payload. One writer thread appends ({@link #append}) and makes records visible with {@link #flush}; any
 * number of {@link Reader}s follow it, each from its own position, and see only flushed records. On open, a torn
 * tail (a frame cut by a crash) is truncated away: everything that was flushed before the crash is kept.
 *
 * <p>Durability: with {@link Fsync#ALWAYS} every {@link #flush} calls {@code fsync} before publishing the records
 * (one fsync per writer batch, not per record), so a flushed record survives a power loss. With
 * {@link Fsync#INTERVAL} it survives a process crash (it is in the page cache) but the last interval may be lost
 * on power loss. {@link Fsync#NEVER} leaves it to the OS.
 */
public final class Spool implements AutoCloseable {

    /** When the spool calls fsync. */
    public enum Fsync { ALWAYS, INTERVAL, NEVER }

    private static final int HEADER = 4 + 4 + 8 + 1;
    private static final int MAX_RECORD = 16 * 1024 * 1024;

    private final Path dir;
    private final long segmentBytes;
    private final Fsync fsync;
    private final long fsyncIntervalNanos;
    /** first position of each segment → its file. */
    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
    private final AtomicLong closedSegmentsBytes = new AtomicLong();
    private volatile long durablePos;
    private volatile long currentBytes;

    // writer-thread state
    private FileChannel out;
    private long nextPos;
    private long currentSize;
    private ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    private long lastFsync = System.nanoTime();
    private boolean dirty;
    private final CRC32C crc = new CRC32C();
    private SpoolEntry lastEvent;
    private SpoolEntry lastSeal;

    public Spool(Path dir, long segmentBytes, Fsync fsync, long fsyncIntervalMillis) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.fsyncIntervalNanos = fsyncIntervalMillis * 1_000_000L;
        try {
            Files.createDirectories(dir);
            recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit spool " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches("seg-\\d{20}\\.spool"))
                    .forEach(p -> segments.put(Long.parseLong(p.getFileName().toString().substring(4, 24)), p));
        }
        nextPos = 1;
        if (segments.isEmpty()) {
            durablePos = 0;
            return;
        }
        long closed = 0;
        for (Map.Entry<Long, Path> e : segments.headMap(segments.lastKey()).entrySet()) {
            closed += Files.size(e.getValue());
        }
        closedSegmentsBytes.set(closed);
        // Scan the last segment, keep the valid prefix, truncate a torn tail.
        Map.Entry<Long, Path> last = segments.lastEntry();
        long pos = last.getKey() - 1;
        long validBytes = 0;
        try (FileChannel ch = FileChannel.open(last.getValue(), StandardOpenOption.READ)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
            while (true) {
                SpoolEntry e = readFrame(in, crc);
                if (e == null || e.pos() != pos + 1) {
                    break;
                }
                pos = e.pos();
                validBytes += HEADER + e.json().getBytes(StandardCharsets.UTF_8).length;
                if (e.isEvent()) {
                    lastEvent = e;
                } else if (e.isSeal()) {
                    lastSeal = e;
                }
            }
        }
        out = FileChannel.open(last.getValue(), StandardOpenOption.WRITE);
        out.truncate(validBytes);
        out.position(validBytes);
        out.force(true);
        currentSize = validBytes;
        currentBytes = validBytes;
        nextPos = pos + 1;
        durablePos = pos;
        if (lastEvent == null && lastSeal == null) {
            // The newest segment holds no record (crash right after rotation): the chain head is in the one before.
            Map.Entry<Long, Path> prev = segments.lowerEntry(last.getKey());
            if (prev != null) {
                try (Reader r = new Reader(prev.getKey() - 1)) {
                    for (SpoolEntry e : r.poll(Integer.MAX_VALUE)) {
                        if (e.isEvent()) {
                            lastEvent = e;
                        } else if (e.isSeal()) {
                            lastSeal = e;
                        }
                    }
                }
            }
        }
    }

    /** The last event record found at open (the chain head to continue from), or null. */
    public SpoolEntry recoveredLastEvent() {
        return lastEvent;
    }

    /** The last seal record found at open, or null. */
    public SpoolEntry recoveredLastSeal() {
        return lastSeal;
    }

    /** Appends a record (buffered; invisible to readers until {@link #flush}). Writer thread only. */
    public long append(byte type, String json) throws IOException {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        int frame = HEADER + payload.length;
        if (out == null || currentSize + frame > segmentBytes && currentSize > 0) {
            rotate();
        }
        if (buf.remaining() < frame) {
            writeBuffer();
            if (buf.capacity() < frame) {
                buf = ByteBuffer.allocateDirect(Integer.highestOneBit(frame) << 1);
            }
        }
        long pos = nextPos++;
        ByteBuffer posType = ByteBuffer.allocate(9).putLong(pos).put(type).flip();
        crc.reset();
        crc.update(posType);
        crc.update(payload);
        buf.putInt(payload.length).putInt((int) crc.getValue()).putLong(pos).put(type).put(payload);
        currentSize += frame;
        dirty = true;
        return pos;
    }

    private void rotate() throws IOException {
        if (out != null) {
            writeBuffer();
            out.force(true);
            out.close();
            closedSegmentsBytes.addAndGet(currentSize);
        }
        Path p = dir.resolve(String.format("seg-%020d.spool", nextPos));
        out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        segments.put(nextPos, p);
        currentSize = 0;
        currentBytes = 0;
    }

    private void writeBuffer() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    /** Writes what was appended, fsyncs according to the policy, then publishes it to readers. Writer thread only. */
    public void flush() throws IOException {
        if (!dirty) {
            maybeIntervalFsync();
            return;
        }
        writeBuffer();
        if (fsync == Fsync.ALWAYS) {
            out.force(false);
        } else {
            maybeIntervalFsync();
        }
        dirty = false;
        currentBytes = currentSize;
        durablePos = nextPos - 1;
    }

    private void maybeIntervalFsync() throws IOException {
        if (fsync == Fsync.INTERVAL && out != null && System.nanoTime() - lastFsync >= fsyncIntervalNanos) {
            out.force(false);
            lastFsync = System.nanoTime();
        }
    }

    /** The last position readers may read (flushed). */
    public long durablePos() {
        return durablePos;
    }

    /** Bytes on disk across all segments. */
    public long sizeBytes() {
        return closedSegmentsBytes.get() + currentBytes;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** Deletes the segments every record of which is at or before {@code pos} (never the newest one). */
    public void deleteUpTo(long pos) throws IOException {
        List<Long> firsts = new ArrayList<>(segments.keySet());
        for (int i = 0; i + 1 < firsts.size(); i++) {
            long lastInSegment = firsts.get(i + 1) - 1;
            if (lastInSegment > pos) {
                break;
            }
            Path p = segments.remove(firsts.get(i));
            long size = Files.size(p);
            Files.deleteIfExists(p);
            closedSegmentsBytes.addAndGet(-size);
        }
    }

    /** A reader of the records after {@code afterPos}. */
    public Reader reader(long afterPos) {
        return new Reader(afterPos);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            flush();
            out.force(true);
            out.close();
            out = null;
        }
    }

    /** Closes the file without writing what is buffered: what a crash would leave. For tests. */
    public void abandon() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    private static SpoolEntry readFrame(DataInputStream in, CRC32C crc) throws IOException {
        try {
            int len = in.readInt();
            int sum = in.readInt();
            long pos = in.readLong();
            byte type = in.readByte();
            if (len < 0 || len > MAX_RECORD || (type != SpoolEntry.EVENT && type != SpoolEntry.SEAL && type != SpoolEntry.KEY)) {
                return null;
            }
            byte[] payload = new byte[len];
            in.readFully(payload);
            crc.reset();
            crc.update(ByteBuffer.allocate(9).putLong(pos).put(type).flip());
            crc.update(payload);
            if ((int) crc.getValue() != sum) {
                return null;
            }
            return new SpoolEntry(pos, type, new String(payload, StandardCharsets.UTF_8));
        } catch (EOFException e) {
            return null;
        }
    }

    /** Follows the spool from a position; sees only flushed records. One thread per reader. */
    public final class Reader implements AutoCloseable {
        private long nextPos;
        private long segmentFirst = -1;
        private DataInputStream in;
        private final CRC32C readCrc = new CRC32C();

        Reader(long afterPos) {
            this.nextPos = afterPos + 1;
        }

        /** The position of the next record this reader returns. */
        public long nextPos() {
            return nextPos;
        }

        /** Up to {@code max} records after the last one returned, without waiting. */
        public List<SpoolEntry> poll(int max) throws IOException {
            List<SpoolEntry> outList = new ArrayList<>(Math.min(max, 1024));
            long limit = durablePos;
            while (outList.size() < max && nextPos <= limit) {
                ensureSegment();
                SpoolEntry e = readFrame(in, readCrc);
                if (e == null) {
                    throw new IOException("audit spool is corrupt at position " + nextPos + " in " + segments.get(segmentFirst));
                }
                if (e.pos() < nextPos) {
                    continue; // skipping to the start position inside the segment
                }
                if (e.pos() != nextPos) {
                    throw new IOException("audit spool: expected position " + nextPos + ", found " + e.pos());
                }
                outList.add(e);
                nextPos++;
            }
            return outList;
        }

        private void ensureSegment() throws IOException {
            Map.Entry<Long, Path> seg = segments.floorEntry(nextPos);
            if (seg == null) {
                throw new IOException("audit spool: position " + nextPos + " was deleted before this reader read it");
            }
            if (seg.getKey() != segmentFirst || in == null) {
                close();
                InputStream raw = Files.newInputStream(seg.getValue());
                in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                segmentFirst = seg.getKey();
            }
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
                in = null;
            }
        }
    }
}
