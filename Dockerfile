# syntax=docker/dockerfile:1
# keygate container image: build the shaded jar with Maven, run it on a JRE cut down with jlink to
# the modules keygate uses, as a non-root user, on a small Debian.
#
#   docker build -t keygate:0.1.0 .
#   docker build --target prebuilt -t keygate:0.1.0 .    # the jar Maven already built, no Maven
#
# Base images are pinned to exact versions; pin them to digests too (BUILD_IMAGE / RUNTIME_IMAGE
# build args) when your registry policy asks for it. BUILD_IMAGE needs a JDK with its jmods and
# Maven, RUNTIME_IMAGE glibc and zlib. Without a registry, image/build.sh passes local Debian
# images (docs/image.md). Image name and tag scheme: see helm/keygate/values.yaml (image.repository,
# image.tag = the chart's appVersion, image.digest).
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=debian:12.8-slim

FROM ${BUILD_IMAGE} AS jre
# Only the modules keygate uses (jdeps on the shaded jar, plus what is loaded by name: Unsafe for
# netty, EC for TLS, DNS for name resolution, the JVM metrics' management beans): ~50 MB instead
# of a full JRE's ~150 MB. (Not --strip-debug: with Debian's JDK it needs objcopy for the native
# libraries, which are stripped already.)
RUN jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.unsupported \
      --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output /jre

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

FROM ${RUNTIME_IMAGE} AS runtime
# a fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it without a passwd lookup
ARG UID=10001
RUN groupadd --system --gid ${UID} keygate \
 && useradd --system --uid ${UID} --gid ${UID} --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin keygate
COPY --from=jre /jre /opt/java
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /app
USER 10001:10001
# gRPC: KeyAdmin, Authorize, grpc.health.v1 (probes) and reflection, all on one port.
# In a container, listen on all interfaces; the Helm chart sets KEYGATE_LISTEN explicitly.
ENV KEYGATE_LISTEN=0.0.0.0:7070
EXPOSE 7070
# -XX:-UsePerfData: nothing written to /tmp/hsperfdata (the root filesystem is read-only in the chart)
# MaxRAMPercentage: heap follows the container's memory limit
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", \
            "-jar", "/app/keygate-server.jar"]

# The jar from the build context (mvn package ran before): CI and image/build.sh use this target.
FROM runtime AS prebuilt
COPY server/target/keygate-server.jar /app/keygate-server.jar

# The default target: the jar built above from source.
FROM runtime AS source
COPY --from=build /src/server/target/keygate-server.jar /app/keygate-server.jar
