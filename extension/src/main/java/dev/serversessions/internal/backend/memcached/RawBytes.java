package dev.serversessions.internal.backend.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes item values through as they are. spymemcached's default transcoder would gzip large
 * values and mark them with flags, which breaks appending expiry records to an item.
 */
final class RawBytes implements Transcoder<byte[]> {
    static final RawBytes INSTANCE = new RawBytes();

    private RawBytes() {
    }

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(byte[] value) {
        return new CachedData(0, value, CachedData.MAX_SIZE);
    }

    @Override
    public byte[] decode(CachedData data) {
        return data.getData();
    }

    @Override
    public int getMaxSize() {
        return CachedData.MAX_SIZE;
    }
}
