# cascade4j serve in a container: JDK 25, the project built, natives and both models of the default
# cascade baked into CASCADE4J_CACHE_DIR. Alone it runs every role in one JVM (CMD below);
# docker-compose.yml runs the same image as a cluster: `serve --cluster --roles ...` per node.
FROM eclipse-temurin:25-jdk
RUN apt-get update -q && apt-get install -y -q --no-install-recommends git curl && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/cascade4j
COPY . .
# The embedded router configuration as a file: what compose passes to --router-config unless told otherwise.
COPY router/src/main/resources/dev/cascade4j/router/default-router.yaml /etc/cascade4j/router.yaml
ENV CASCADE4J_DATA_DIR=/var/lib/cascade4j
ENV CASCADE4J_CACHE_DIR=/var/cache/cascade4j
RUN ./mvnw -B -q -DskipTests package && ./cascade4j natives pull && ./cascade4j models pull
# 8080: HTTP; 5701: the Hazelcast member port of --cluster (the event bus port is chosen by Vert.x)
EXPOSE 8080 5701
ENTRYPOINT ["./cascade4j"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
