# EcoLeads service image (Debian 12, Python 3.11, SpatiaLite; PostGIS is an external server).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-mod-spatialite \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/ecoleads
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY geo ./geo
COPY models ./models
COPY migrations ./migrations
COPY demo ./demo
# Editable: the service finds alembic.ini, migrations/ and demo/ beside its code.
RUN pip install --no-cache-dir -e .

ENV ECOLEADS_DATA_DIR=/var/lib/ecoleads \
    ECOLEADS_HOST=0.0.0.0 \
    ECOLEADS_PORT=8000
VOLUME /var/lib/ecoleads
EXPOSE 8000
# Migrate, then serve. Set ECOLEADS_DATABASE_URL=postgresql+psycopg://… for PostGIS.
CMD ["sh", "-c", "ecoleads migrate && ecoleads serve"]
