package dev.loupe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Keys and values of the positions already processed, per applied layer, as [batch, pos, kv_head, d_head] (keys
 * after rotary embedding). Lives in its own manager; each step replaces the arrays and frees the old ones.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached (the absolute position of the next token). */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys and values for a layer and returns the full [batch, past+new, kv_head, d_head] pair
     * as handles owned by the step (ops on them then land in the step's scope, not in the cache's).
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = grow(keys[layer], k);
        values[layer] = grow(values[layer], v);
        NDIndex all = new NDIndex(":");
        return new NDArray[] {keys[layer].get(k.getManager(), all), values[layer].get(v.getManager(), all)};
    }

    private NDArray grow(NDArray past, NDArray now) {
        NDArray full = past == null ? now.duplicate() : past.concat(now, 1);
        full.attach(manager);
        if (past != null) {
            past.close();
        }
        return full;
    }

    /** Called by the model after a step has appended to every layer. */
    void advance(int newPositions) {
        length += newPositions;
    }

    @Override
    public void close() {
        manager.close();
    }
}
