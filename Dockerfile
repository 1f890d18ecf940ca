# ALMA's container image, in three stages: the web UI's build (when the checkout has a web/ UI), ALMA's
# wheel, and a slim runtime that installs only that wheel and its pinned dependencies.
#
#   docker build -t alma:local .
#   docker run -d -p 127.0.0.1:8000:8000 -v alma-home:/var/lib/alma alma:local        # alma serve
#   docker run -d -v alma-home:/var/lib/alma -e ALMA_DATABASE_URL=... alma:local worker  # alma worker
#   docker run --rm alma:local examples list                                            # any alma command
#
# Build arguments:
#   BASE_IMAGE  the runtime and the wheel's build: any Debian-like image with python3 (>= 3.11) and venv
#   WEB_IMAGE   the web UI's build: an image with node and npm (used only when web/package.json exists)
#   WHEELS_URL  a pip find-links URL (a wheelhouse): every wheel comes from there and no index is asked
# The tests build it with BASE_IMAGE and WEB_IMAGE from scripts/images and WHEELS_URL serving its
# wheelhouse, so no registry is used (docker build --network host --pull=false).

ARG BASE_IMAGE=python:3.11-slim-bookworm
ARG WEB_IMAGE=node:22-bookworm-slim

# --- the web UI: `npm ci && npm run build` in web/, whose output (web/dist) the wheel carries ----------
FROM ${WEB_IMAGE} AS web
COPY docker/build-web /usr/local/bin/alma-build-web
# "web*" matches the UI's folder when the checkout has one; the second source keeps the COPY valid without.
COPY docker/build-web web* /web/
RUN sh /usr/local/bin/alma-build-web /web /web-dist

# --- ALMA's wheel: built from the checkout, with the web UI's assets in it ----------------------------
FROM ${BASE_IMAGE} AS wheel
ARG WHEELS_URL=
COPY . /src
COPY --from=web /web-dist/ /src/web/dist/
RUN python3 -m venv /opt/build \
 && /opt/build/bin/pip wheel --quiet --disable-pip-version-check --no-cache-dir --no-deps --wheel-dir /dist \
      ${WHEELS_URL:+--no-index --find-links "$WHEELS_URL"} /src \
 && ls /dist/alma-*.whl

# --- the requirements alone, so the dependency layer below is rebuilt only when they change ----------
FROM ${BASE_IMAGE} AS requirements
COPY pyproject.toml requirements.lock docker/requirements.py /src/
RUN python3 /src/requirements.py /src/pyproject.toml >/requirements.txt && cp /src/requirements.lock /constraints.txt

# --- the runtime --------------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
ARG WHEELS_URL=
COPY --from=requirements /requirements.txt /constraints.txt /tmp/requirements/
RUN python3 -m venv /opt/alma \
 && /opt/alma/bin/pip install --quiet --disable-pip-version-check --no-cache-dir \
      ${WHEELS_URL:+--no-index --find-links "$WHEELS_URL"} \
      -c /tmp/requirements/constraints.txt -r /tmp/requirements/requirements.txt \
 && rm -rf /tmp/requirements
COPY --from=wheel /dist/ /tmp/dist/
RUN /opt/alma/bin/pip install --quiet --disable-pip-version-check --no-cache-dir --no-deps /tmp/dist/alma-*.whl \
 && /opt/alma/bin/pip check \
 && rm -rf /tmp/dist \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/alma --shell /usr/sbin/nologin alma \
 && mkdir -p /var/lib/alma && chown alma:alma /var/lib/alma
LABEL org.opencontainers.image.title="alma" \
      org.opencontainers.image.description="ALMA — infrastructure as conversation: alma serve, alma worker"
COPY docker/entrypoint /usr/local/bin/alma-entrypoint
COPY docker/healthcheck /usr/local/bin/alma-healthcheck
ENV PATH=/opt/alma/bin:$PATH \
    ALMA_HOME=/var/lib/alma \
    ALMA_USER=alma \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
VOLUME /var/lib/alma
WORKDIR /var/lib/alma
USER alma
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["alma-healthcheck"]
ENTRYPOINT ["alma-entrypoint"]
CMD ["serve"]
