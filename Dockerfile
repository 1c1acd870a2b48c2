# Yizhan in a container: one static binary (the PWA is embedded), the seed stations, a volume for the
# database. Build: docker build -t yizhan .   Run: see the README ("Run it in a container").
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY server ./server
COPY pwa ./pwa
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yizhan ./server/cmd/yizhan

FROM alpine:3.20
# A fixed non-root user that owns only the data volume.
RUN adduser -D -H -u 10001 yizhan && mkdir -p /data && chown yizhan:yizhan /data
COPY --from=build /out/yizhan /usr/local/bin/yizhan
COPY data/stations.csv /usr/share/yizhan/stations.csv
USER yizhan
VOLUME /data
EXPOSE 8080
ENV YIZHAN_DB=/data/yizhan.db \
    YIZHAN_LISTEN=0.0.0.0:8080 \
    YIZHAN_SEED=/usr/share/yizhan/stations.csv
# Ready means the database is open and the stations are indexed (a first start seeds them first).
HEALTHCHECK --interval=30s --timeout=3s --start-period=2m \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["yizhan"]
CMD ["serve"]
