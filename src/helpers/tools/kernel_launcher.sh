#!/bin/sh
# The kernel "Amirova 2020": the Python of the copy of the project that holds the notebook. Jupyter starts a
# kernel in its notebook's folder, so each clone on the machine runs its own code on its own data; outside any
# copy, the Python that registered the kernel ($1). Installed into the kernelspec by helpers.tools.lab_kernel.
registered=$1
shift
dir=$(pwd -P)
while :; do
    if [ -f "$dir/src/helpers/pipeline.py" ]; then
        if [ -x "$dir/.venv/bin/python" ]; then
            exec "$dir/.venv/bin/python" -m helpers.kernel "$@"
        fi
        # A copy without .venv (an activated conda env or venv, Binder): the registered Python's packages, with
        # this copy's own code first on the path, so its notebooks never run another copy's helpers or data.
        PYTHONPATH="$dir/src${PYTHONPATH:+:$PYTHONPATH}"
        export PYTHONPATH
        exec "$registered" -m helpers.kernel "$@"
    fi
    [ "$dir" = / ] && break
    dir=$(dirname "$dir")
done
exec "$registered" -m helpers.kernel "$@"
