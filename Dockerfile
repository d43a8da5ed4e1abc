# syntax=docker/dockerfile:1
# keygate container image: build the shaded jar with Maven, run it on a small JRE as a non-root user.
#
#   docker build -t keygate:0.1.0 .
#
# Base images are pinned to exact versions; pin them to digests too (BUILD_IMAGE / RUNTIME_IMAGE
# build args) when your registry policy asks for it. Image name and tag scheme: see
# helm/keygate/values.yaml (image.repository, image.tag = the chart's appVersion, image.digest).
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.13_11-jre-jammy

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# the reactor reads every module's pom, helm's included (its Node tests are not run here)
COPY pom.xml ./
COPY helm/pom.xml helm/
COPY proto/ proto/
COPY server/pom.xml server/
COPY server/src/ server/src/
# the Maven repository lives in a BuildKit cache, so rebuilds download nothing new
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl server -am package -DskipTests

FROM ${RUNTIME_IMAGE}
# a fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it without a passwd lookup
ARG UID=10001
RUN groupadd --system --gid ${UID} keygate \
 && useradd --system --uid ${UID} --gid ${UID} --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin keygate
WORKDIR /app
COPY --from=build /src/server/target/keygate-server.jar /app/keygate-server.jar
USER 10001:10001
# gRPC: KeyAdmin, Authorize, grpc.health.v1 (probes) and reflection, all on one port.
# In a container, listen on all interfaces; the Helm chart sets KEYGATE_LISTEN explicitly.
ENV KEYGATE_LISTEN=0.0.0.0:7070
EXPOSE 7070
# -XX:-UsePerfData: nothing written to /tmp/hsperfdata (the root filesystem is read-only in the chart)
# MaxRAMPercentage: heap follows the container's memory limit
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", \
            "-jar", "/app/keygate-server.jar"]
