# A single-user image for a class on JupyterHub: Zero to JupyterHub (singleuser.image) and
# The Littlest JupyterHub's docker spawner, or plain `docker run -p 8888:8888`.
# Jupyter's docker-stacks base (JupyterLab, jupyterhub-singleuser, user jovyan); Node 20 from
# conda-forge; downhill built in /opt/downhill and installed for every user by deploy/install.sh,
# the same script the hub test (test/hub.test.ts) runs.
#   docker build -t downhill-class .
# Pin the base for a term: --build-arg BASE=quay.io/jupyter/base-notebook:<date tag>.
ARG BASE=quay.io/jupyter/base-notebook:latest
FROM ${BASE}

USER root
# A C compiler and OpenBLAS for the native matMul; bubblewrap for sandboxed grading.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends gcc libc6-dev libopenblas-dev bubblewrap \
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /opt/downhill && chown "${NB_UID}:${NB_GID}" /opt/downhill

USER ${NB_UID}
# plotly ships JupyterLab's renderer for application/vnd.plotly.v1+json (dh.show's charts).
RUN mamba install -y -q -c conda-forge 'nodejs=20' plotly && mamba clean -afy
COPY --chown=${NB_UID}:${NB_GID} . /opt/downhill
WORKDIR /opt/downhill
RUN npm ci --no-audit --no-fund && npm run build && deploy/install.sh

# Each student gets the tutorials in their (persistent) home when their server starts.
COPY --chmod=0755 deploy/copy-tutorials.sh /usr/local/bin/before-notebook.d/50-downhill-tutorials.sh
WORKDIR /home/${NB_USER}
