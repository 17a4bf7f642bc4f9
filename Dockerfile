# cascade4j serve in a container: JDK 25, the project built, natives and the default model baked in.
FROM eclipse-temurin:25-jdk
RUN apt-get update -q && apt-get install -y -q --no-install-recommends git curl && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/cascade4j
COPY . .
ENV CASCADE4J_DATA_DIR=/var/lib/cascade4j
RUN ./mvnw -B -q -DskipTests package && ./cascade4j natives pull && ./cascade4j models pull
EXPOSE 8080
ENTRYPOINT ["./cascade4j"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
