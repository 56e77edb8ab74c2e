# REPRAM node image. Build: docker build -t repram .   Run: docker run -p 8080:8080 repram
# Stage 1 builds the Debian package exactly as `cpack -G DEB` does on a developer machine;
# stage 2 installs it on Debian 12 slim, so apt brings the runtime libraries the package needs.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh --build
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DREPRAM_BUILD_TESTS=OFF -DREPRAM_BUILD_BENCH=OFF \
 && ninja -C build repram repram-omega \
 && cd build && cpack -G DEB -B /out

FROM debian:12-slim
COPY --from=build /out/repram_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/repram_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/repram_*.deb \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin repram \
 && install -d -o repram -g repram /var/cache/repram
# Containers talk over a private network of static peers unless told otherwise; the omega cache
# is the one place the node writes.
ENV REPRAM_NETWORK=private \
    REPRAM_BIND=0.0.0.0 \
    REPRAM_HTTP_PORT=8080 \
    REPRAM_CACHE_DIR=/var/cache/repram
USER repram
EXPOSE 8080
# `repram health` asks http://127.0.0.1:8080/v1/health and exits 0 only when the node is healthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["repram", "health"]
# SIGTERM drains in-flight requests (at most 10 s): give `docker stop` more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["repram"]
