#!/bin/sh
# Seed the knowledge volume with the shipped content on first start, then run the command.
set -eu
if [ ! -d "$CUF_KNOWLEDGE_DIR" ] || [ -z "$(ls -A "$CUF_KNOWLEDGE_DIR" 2>/dev/null)" ]; then
    mkdir -p "$CUF_KNOWLEDGE_DIR"
    cp -R "${CUF_KNOWLEDGE_SEED:-/app/knowledge-seed}/." "$CUF_KNOWLEDGE_DIR/"
    echo "knowledge/ initialised from the image in $CUF_KNOWLEDGE_DIR"
fi
mkdir -p "$CUF_STATE_DIR"
exec "$@"
