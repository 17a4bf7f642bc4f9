/**
 * Models served across a clustered Vert.x event bus: {@link dev.cascade4j.router.cluster.ModelVerticle}
 * holds a loaded model on a model node; {@link dev.cascade4j.router.cluster.RemoteModel} is the
 * {@link dev.cascade4j.inference.LocalModel} a router node routes to in its place.
 */
package dev.cascade4j.router.cluster;
