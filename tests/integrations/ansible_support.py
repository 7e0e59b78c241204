"""Builds the generated collection with ansible-galaxy, installs the tarball into a temporary
collections path and runs playbooks with it (Debian's ansible-core, /usr/bin/python3)."""
import glob
import json
import os
import shutil
import tempfile

import integration_support as support

COLLECTION_SOURCE = os.path.join(support.INTEGRATIONS, "ansible", "actionhost.compshare")
TARGETS = os.path.join(COLLECTION_SOURCE, "tests", "integration", "targets")
PYTHON = "/usr/bin/python3"  # Debian's, whatever python3 comes first on the PATH


class InstalledCollection:
    def __init__(self, source=COLLECTION_SOURCE, namespace="actionhost", name="compshare"):
        self.tmp = tempfile.mkdtemp(prefix="ansible-collection-")
        built = support.run(["ansible-galaxy", "collection", "build", "--output-path", self.tmp,
                             source], env=support.clean_env())
        assert built.returncode == 0, built.stdout + built.stderr
        self.tarball = glob.glob(os.path.join(self.tmp, "*.tar.gz"))[0]
        self.path = os.path.join(self.tmp, "collections")
        installed = support.run(["ansible-galaxy", "collection", "install", "-p", self.path,
                                 self.tarball], env=support.clean_env())
        assert installed.returncode == 0, installed.stdout + installed.stderr
        self.root = os.path.join(self.path, "ansible_collections", namespace, name)

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, **extra):
        env = support.clean_env(ANSIBLE_COLLECTIONS_PATH=self.path,
                                ANSIBLE_HOST_KEY_CHECKING="False",
                                ANSIBLE_PYTHON_INTERPRETER=PYTHON,
                                ANSIBLE_LOCAL_TEMP=os.path.join(self.tmp, "local-tmp"),
                                ANSIBLE_REMOTE_TEMP=os.path.join(self.tmp, "remote-tmp"),
                                ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="False")
        env.update(extra)
        return env

    def playbook(self, plays, extra_vars=None, inventory=None, args=(), env=None):
        """ansible-playbook on a playbook written from `plays`; returns (process, {host: the
        registered `result`}) as the plays' save_result() tasks wrote them."""
        results_dir = os.path.join(self.tmp, "results")
        shutil.rmtree(results_dir, ignore_errors=True)
        os.makedirs(results_dir)
        extra_vars = dict(extra_vars or {}, results_dir=results_dir)
        book = os.path.join(self.tmp, "playbook.yml")
        with open(book, "w", encoding="utf-8") as f:
            json.dump(plays, f)  # JSON is YAML
        inventory_file = os.path.join(self.tmp, "inventory.ini")
        with open(inventory_file, "w", encoding="utf-8") as f:
            f.write(inventory or "localhost ansible_connection=local\n")
        argv = ["ansible-playbook", "-i", inventory_file, book, *args]
        vars_file = os.path.join(self.tmp, "vars.json")
        with open(vars_file, "w", encoding="utf-8") as f:
            json.dump(extra_vars, f)
        argv += ["-e", "@" + vars_file]
        proc = support.run(argv, env=env or self.env())
        results = {}
        for name in os.listdir(results_dir):
            with open(os.path.join(results_dir, name), encoding="utf-8") as f:
                results[name[:-len(".json")]] = json.load(f)
        return proc, results


def save_result():
    """The task that hands the registered `result` of each host to the test."""
    return {"name": "save result", "ansible.builtin.copy": {
        "content": "{{ result | to_json }}",
        "dest": "{{ results_dir }}/{{ inventory_hostname }}.json"}}


def connection_vars(emu):
    return {"actionhost_path": support.BIN, "plugin_path": support.PLUGIN_DIR,
            "base_url": emu.url, "public_key": support.PUBLIC_KEY,
            "private_key": support.PRIVATE_KEY}


def module_defaults(variables):
    return {"group/actionhost.compshare.compshare": {k: "{{ %s }}" % k for k in variables}}
