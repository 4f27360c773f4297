package dev.loupe.engine.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.loupe.engine.ActivationCache;
import dev.loupe.engine.Intervention;
import dev.loupe.engine.LoupeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a forward pass does at each hook point: keep the activation, change it, or (almost always) nothing. The
 * decision is made once per hook name and memoised, so a hook that nobody asked for costs one map lookup.
 *
 * <p>{@link #positionOffset} is the absolute position of the first token in the current slice: 0 for a full
 * forward pass, the KV-cache length during generation, so that interventions keep their absolute positions.
 */
public final class HookContext {
    /** A context that neither captures nor intervenes. */
    public static HookContext none() {
        return new HookContext(List.of(), List.of(), null);
    }

    private record Plan(boolean capture, List<Intervention> interventions) {
        static final Plan NOTHING = new Plan(false, List.of());
    }

    private final List<HookGlob> captures;
    private final List<Intervention> interventions;
    private final List<HookGlob> interventionGlobs;
    private final ActivationCache cache;
    private final Map<String, Plan> plans = new HashMap<>();
    private int positionOffset;

    public HookContext(List<HookGlob> captures, List<Intervention> interventions, ActivationCache cache) {
        this.captures = List.copyOf(captures);
        this.interventions = List.copyOf(interventions);
        this.interventionGlobs = this.interventions.stream().map(iv -> HookGlob.of(iv.hook())).toList();
        this.cache = cache;
        if (!this.captures.isEmpty() && cache == null) {
            throw new IllegalArgumentException("capturing needs a cache");
        }
    }

    public void setPositionOffset(int offset) {
        this.positionOffset = offset;
    }

    public int positionOffset() {
        return positionOffset;
    }

    public boolean isEmpty() {
        return captures.isEmpty() && interventions.isEmpty();
    }

    /** True if this hook will be captured or changed; lets a model skip computing an optional activation. */
    public boolean isActive(String name) {
        return plan(name) != Plan.NOTHING;
    }

    /** Passes {@code x} through the hook named {@code name}: returns it, a changed copy, and/or records it. */
    public NDArray hook(String name, NDArray x) {
        Plan plan = plan(name);
        if (plan == Plan.NOTHING) {
            return x;
        }
        HookLayout layout = HookLayout.forHook(name);
        for (Intervention iv : plan.interventions()) {
            x = apply(iv, name, layout, x);
        }
        if (plan.capture()) {
            // No copy: models never modify an activation in place, so the cache can own x itself. Ownership moves to
            // the cache's manager, so closing the pass's scope leaves it alive.
            cache.put(name, x);
        }
        return x;
    }

    private Plan plan(String name) {
        Plan p = plans.get(name);
        if (p == null) {
            boolean capture = captures.stream().anyMatch(g -> g.matches(name));
            List<Intervention> ivs = new ArrayList<>();
            for (int i = 0; i < interventions.size(); i++) {
                if (interventionGlobs.get(i).matches(name)) {
                    ivs.add(interventions.get(i));
                }
            }
            p = (!capture && ivs.isEmpty()) ? Plan.NOTHING : new Plan(capture, List.copyOf(ivs));
            plans.put(name, p);
        }
        return p;
    }

    private NDArray apply(Intervention iv, String name, HookLayout layout, NDArray x) {
        Shape shape = x.getShape();
        int posAxis = layout.positionAxis();
        long trailing = trailingSize(shape, posAxis);
        if (iv instanceof Intervention.AddVector add) {
            NDArray v = vector(name, add.vector(), trailing, x, posAxis).mul(add.coefficient());
            NDArray mask = mask(x, layout, add.positions(), null);
            return mask == null ? x.add(v) : x.add(v.mul(mask));
        }
        if (iv instanceof Intervention.Replace rep) {
            NDArray v = x.zerosLike().add(vector(name, rep.values(), trailing, x, posAxis));
            NDArray mask = mask(x, layout, rep.positions(), null);
            return mask == null ? v : blend(x, v, mask);
        }
        if (iv instanceof Intervention.Ablate abl) {
            checkHeads(name, layout, abl.heads(), shape);
            NDArray replacement = abl.mode() == Intervention.Ablate.Mode.ZERO
                    ? x.zerosLike()
                    : x.mean(new int[] {posAxis}, true).broadcast(shape);
            NDArray mask = mask(x, layout, abl.positions(), abl.heads());
            return mask == null ? replacement : blend(x, replacement, mask);
        }
        Intervention.Patch patch = (Intervention.Patch) iv;
        checkHeads(name, layout, patch.heads(), shape);
        // Copy into this pass's scope, so nothing this pass computes lands in (or frees) the source run's cache.
        NDArray source = patchSource(patch, name, shape, posAxis).duplicate();
        source.attach(x.getManager());
        source = source.toType(x.getDataType(), false);
        NDArray mask = mask(x, layout, patch.positions(), patch.heads());
        return mask == null ? source : blend(x, source, mask);
    }

    private static NDArray blend(NDArray x, NDArray replacement, NDArray mask) {
        return x.mul(mask.neg().add(1f)).add(replacement.mul(mask));
    }

    /** A vector given per position, shaped to broadcast over batch and positions, in x's dtype. */
    private static NDArray vector(String name, float[] values, long trailing, NDArray x, int posAxis) {
        Shape shape = x.getShape();
        if (values.length != trailing) {
            throw new LoupeException("the vector for " + name + " has " + values.length + " values but the hook needs "
                    + trailing + " (its shape is " + shape + ")");
        }
        long[] dims = new long[shape.dimension()];
        Arrays.fill(dims, 1);
        for (int a = posAxis + 1; a < dims.length; a++) {
            dims[a] = shape.get(a);
        }
        return x.getManager().create(values, new Shape(dims)).toType(x.getDataType(), false);
    }

    /** A 0/1 mask broadcastable to {@code shape}, or null when it would select everything. */
    private NDArray mask(NDArray x, HookLayout layout, int[] positions, int[] heads) {
        Shape shape = x.getShape();
        if (positions == null && heads == null) {
            return null;
        }
        int posAxis = layout.positionAxis();
        int headAxis = layout.headAxis();
        int nPos = (int) shape.get(posAxis);
        int nHeads = layout.hasHeads() ? (int) shape.get(headAxis) : 1;
        float[] posMask = new float[nPos];
        if (positions == null) {
            Arrays.fill(posMask, 1f);
        } else {
            for (int p : positions) {
                int local = p - positionOffset;
                if (p < 0) {
                    throw new LoupeException("position " + p + " is negative");
                }
                if (local >= 0 && local < nPos) {
                    posMask[local] = 1f;
                }
            }
        }
        float[] headMask = new float[nHeads];
        if (heads == null) {
            Arrays.fill(headMask, 1f);
        } else {
            for (int h : heads) {
                headMask[h] = 1f;
            }
        }
        long[] dims = new long[shape.dimension()];
        Arrays.fill(dims, 1);
        dims[posAxis] = nPos;
        if (layout.hasHeads()) {
            dims[headAxis] = nHeads;
        }
        float[] values = new float[nPos * nHeads];
        for (int p = 0; p < nPos; p++) {
            for (int h = 0; h < nHeads; h++) {
                // Row-major over (min(posAxis, headAxis), max(...)): order the product by axis position.
                int idx = (!layout.hasHeads() || posAxis < headAxis) ? p * nHeads + h : h * nPos + p;
                values[idx] = posMask[p] * headMask[h];
            }
        }
        return x.getManager().create(values, new Shape(dims)).toType(x.getDataType(), false);
    }

    private static void checkHeads(String name, HookLayout layout, int[] heads, Shape shape) {
        if (heads == null) {
            return;
        }
        if (!layout.hasHeads()) {
            throw new LoupeException("hook " + name + " has no head axis; per-head interventions apply at attn.hook_q|k|v|z|pattern|attn_scores");
        }
        long n = shape.get(layout.headAxis());
        for (int h : heads) {
            if (h < 0 || h >= n) {
                throw new LoupeException("head " + h + " is out of range for " + name + " (it has " + n + " heads)");
            }
        }
    }

    private NDArray patchSource(Intervention.Patch patch, String name, Shape shape, int posAxis) {
        if (!patch.source().has(name)) {
            throw new LoupeException("cannot patch " + name + ": the source run did not capture it");
        }
        NDArray src = patch.source().get(name);
        Shape s = src.getShape();
        if (s.equals(shape)) {
            return src;
        }
        // During KV-cached generation the pass sees only the new positions: take the matching slice.
        if (s.dimension() == shape.dimension() && posAxis == 1 && s.get(1) >= positionOffset + shape.get(1)) {
            NDArray slice = src.get(new NDIndex(":, {}:{}", positionOffset, positionOffset + shape.get(1)));
            if (slice.getShape().equals(shape)) {
                return slice;
            }
        }
        throw new LoupeException("cannot patch " + name + ": the source activation has shape " + s
                + " but this run's has " + shape + " (patch between inputs of the same length)");
    }

    private static long trailingSize(Shape shape, int posAxis) {
        long n = 1;
        for (int a = posAxis + 1; a < shape.dimension(); a++) {
            n *= shape.get(a);
        }
        return n;
    }
}
