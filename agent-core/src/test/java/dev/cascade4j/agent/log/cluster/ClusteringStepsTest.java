package dev.cascade4j.agent.log.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The clustering steps on hand-made vectors: three tight groups along the axes, no embedding model. */
class ClusteringStepsTest {
    private static final float[][] GROUPS = {
            Cosine.unit(new float[] {1, 0.05f, 0}), Cosine.unit(new float[] {1, 0, 0.05f}), Cosine.unit(new float[] {1, 0.02f, 0.02f}),
            Cosine.unit(new float[] {0.05f, 1, 0}), Cosine.unit(new float[] {0, 1, 0.05f}),
            Cosine.unit(new float[] {0, 0.05f, 1}), Cosine.unit(new float[] {0.05f, 0, 1})};

    private static void assertThreeGroups(int[] assign) {
        assertEquals(assign[0], assign[1]);
        assertEquals(assign[0], assign[2]);
        assertEquals(assign[3], assign[4]);
        assertEquals(assign[5], assign[6]);
        assertNotEquals(assign[0], assign[3]);
        assertNotEquals(assign[0], assign[5]);
        assertNotEquals(assign[3], assign[5]);
    }

    @Test
    void unitVectorsHaveLengthOneAndZeroStaysZero() {
        float[] u = Cosine.unit(new float[] {3, 4});
        assertArrayEquals(new float[] {0.6f, 0.8f}, u, 1e-6f);
        assertEquals(1.0, Cosine.dot(u, u), 1e-6);
        assertArrayEquals(new float[] {0, 0}, Cosine.unit(new float[] {0, 0}));
    }

    @Test
    void agglomerativeMergesWhileGroupsAreSimilarEnough() {
        int[] assign = Agglomerative.cluster(GROUPS, 0.5);
        assertThreeGroups(assign);
        assertEquals(0, assign[0], "labels are numbered in order of first appearance");
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0}, Agglomerative.cluster(GROUPS, -0.99));
        assertEquals(7, java.util.Arrays.stream(Agglomerative.cluster(GROUPS, 0.9999)).distinct().count());
        assertThrows(IllegalArgumentException.class, () -> Agglomerative.cluster(new float[Agglomerative.MAX_POINTS + 1][], 0.5));
    }

    @Test
    void kMeansFindsTheGroupsAndIsRepeatableForASeed() {
        int[] assign = new KMeans(42).cluster(GROUPS, 3);
        assertThreeGroups(assign);
        assertArrayEquals(assign, new KMeans(42).cluster(GROUPS, 3));
    }

    @Test
    void theSilhouetteIsHighForTheRightGroupsAndLowForWrongOnes() {
        double right = Cosine.silhouette(GROUPS, new int[] {0, 0, 0, 1, 1, 2, 2}, 3);
        double wrong = Cosine.silhouette(GROUPS, new int[] {0, 1, 2, 0, 1, 2, 0}, 3);
        assertTrue(right > 0.9, "right " + right);
        assertTrue(wrong < 0, "wrong " + wrong);
    }

    @Test
    void centresAreTheUnitMeanOfTheirMembers() {
        float[][] centres = Cosine.centres(new float[][] {{1, 0}, {0, 1}, {1, 0}}, new int[] {0, 0, 1}, 2);
        assertArrayEquals(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)}, centres[0], 1e-6f);
        assertArrayEquals(new float[] {1, 0}, centres[1], 1e-6f);
    }
}
