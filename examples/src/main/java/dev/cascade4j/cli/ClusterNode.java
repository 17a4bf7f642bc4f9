package dev.cascade4j.cli;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.cascade4j.router.cluster.NodeDepartures;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A Vert.x joined to a cluster of cascade4j nodes over Hazelcast: TCP-IP discovery of the members
 * given (never multicast), and failure detection tuned so that a killed node leaves the cluster in
 * seconds (heartbeat every second, gone after 5 s without one) rather than Hazelcast's minute.
 */
record ClusterNode(Vertx vertx, String nodeId, NodeDepartures departures) {
    static final int DEFAULT_PORT = 5701;
    static final String CLUSTER_NAME = "cascade4j";

    static ClusterNode join(String host, int port, int busPort, List<String> members) {
        String address = resolve(host);
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(CLUSTER_NAME);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.local.localAddress", address);
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false).setPublicAddress(address + ":" + port);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember(address + ":" + port);
        members.forEach(m -> join.getTcpIpConfig().addMember(m));

        HazelcastClusterManager manager = new HazelcastClusterManager(config);
        VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
                .setHost(address).setPort(busPort).setClusterPublicHost(address));
        Vertx vertx;
        try {
            vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered().await();
        } catch (Exception e) {
            throw new IllegalStateException("cannot join the cluster at " + address + ":" + port + " (members "
                    + (members.isEmpty() ? "none given" : String.join(",", members)) + "): " + e.getMessage(), e);
        }
        NodeDepartures departures = listener -> manager.getHazelcastInstance().getCluster()
                .addMembershipListener(new Departures(listener));
        return new ClusterNode(vertx, manager.getNodeId(), departures);
    }

    private static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--cluster-host " + host + " does not resolve to an address of this machine");
        }
    }

    private record Departures(Consumer<String> listener) implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            listener.accept(event.getMember().getUuid().toString());
        }
    }
}
