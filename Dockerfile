# Image for web (gunicorn), worker and beat. Static assets come from the npm registry
# (package-lock.json) in a build stage; nothing is fetched from a CDN at run time.
# postgresql-client: pg_dump/pg_restore for the backups (R44); bookworm's is 15, the major
# version of docker-compose's PostgreSQL (pg_dump refuses a newer server).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN pip install --no-cache-dir . \
 && DEBUG=1 python manage.py compilemessages --ignore=node_modules \
 && DEBUG=1 python manage.py collectstatic --no-input
RUN useradd --create-home --uid 1000 archive && mkdir -p /data/media /data/backups \
 && chown -R archive /data
USER archive
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "archive_project.wsgi:application"]
