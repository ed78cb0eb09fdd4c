# publisher: one image, the same entry point as a bare install.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PUBLISHER_DATA_DIR=/data \
    PUBLISHER_DATABASE__URL=sqlite+aiosqlite:////data/publisher.db \
    PUBLISHER_LOG_FORMAT=json

# The configuration is built into the package (the same as config/default.toml), so the
# image needs only the sources of the wheel; they are removed once it is installed, so
# what runs is the installed package, exactly as tests/test_wheel.py checks for a wheel.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY publisher ./publisher
COPY channels ./channels
RUN pip install --no-cache-dir /src \
    && rm -rf /src/* \
    && groupadd --system --gid 10001 publisher \
    && useradd --system --uid 10001 --gid publisher --home-dir /data --no-create-home publisher \
    && mkdir -p /data \
    && chown publisher:publisher /data

WORKDIR /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["publisher"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
