"""Templates of things that serve the web: an app and its database, web servers behind a load balancer, a
reverse proxy in front of services, and a Kubernetes app (Deployment, Service and claim)."""

from __future__ import annotations

from alma.templates.model import Template, Values, stack_name
from alma.templates.parameters import Parameter
from alma.templates.shapes import Stage, Workload, balancer, workload
from alma.templates.software import software

IMAGE = r"[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?"
IMAGE_SAYS = "a container image reference such as 'nginx:1.27-alpine'"
# Database images read their root password from a file named by these variables.
PASSWORD_FILE_ENV = {
    "postgres": "POSTGRES_PASSWORD_FILE",
    "mysql": "MYSQL_ROOT_PASSWORD_FILE",
    "mariadb": "MARIADB_ROOT_PASSWORD_FILE",
}


def image(default: str, what: str) -> Parameter:
    return Parameter("image", "text", default, what, pattern=IMAGE, pattern_says=IMAGE_SAYS)


def port(name: str, default: int, what: str) -> Parameter:
    return Parameter(name, "port", default, what)


BIND = Parameter(
    "bind",
    "address",
    "127.0.0.1",
    "Docker: the host address published ports are bound to (0.0.0.0 publishes on every interface).",
)


def _web_app(stage: Stage, v: Values) -> None:
    database = software(v["database"])
    secret = {PASSWORD_FILE_ENV[database.key]: "db-password"}
    db = Workload(
        "db", database, "database", cores=2, memory_mb=v["db_memory"], disk_gb=8, data_gb=v["db_size"], secrets=secret
    )
    workload(stage, db)
    env = {"DATABASE_HOST": stage.hosts("db")[0], "DATABASE_PORT": str(database.port)}
    web = Workload(
        "web",
        software("nginx"),
        "web",
        replicas=v["replicas"],
        image=v["image"],
        port=v["app_port"],
        publish=v["public_port"],
        bind=v["bind"],
        env=env,
        depends=("db",),
        memory_mb=v["memory"],
        disk_gb=4,
    )
    workload(stage, web)
    if v["replicas"] > 1 and stage.provider != "fake":
        stage.note("each web instance is reachable on its own: put the ha-web template's load balancer in front")


WEB_APP = Template(
    "web-app",
    "A web application with its database (PostgreSQL, MySQL or MariaDB) on a private network",
    ("fake", "docker", "proxmox"),
    (
        stack_name("web-app"),
        image("nginx:1.27-alpine", "The application's container image."),
        Parameter("replicas", "integer", 2, "Application instances.", minimum=1, maximum=20),
        port("app_port", 80, "The port the application listens on."),
        port("public_port", 8080, "Docker: the host port of the first instance (the next ones follow)."),
        BIND,
        Parameter("memory", "memory", 512, "Memory of each application instance.", minimum=64, maximum=65536),
        Parameter("database", "choice", "postgres", "The database.", choices=("postgres", "mysql", "mariadb")),
        Parameter("db_memory", "memory", 2048, "The database's memory.", minimum=256, maximum=262144),
        Parameter("db_size", "disk", 20, "The database's data volume.", minimum=1, maximum=16384),
    ),
    _web_app,
)


def _ha_web(stage: Stage, v: Values) -> None:
    facing = v["port"] if stage.provider == "kubernetes" else None  # Kubernetes balances in the Service
    web = Workload(
        "web",
        software("nginx"),
        "web",
        replicas=v["replicas"],
        image=v["image"],
        port=v["app_port"],
        publish=facing,
        memory_mb=v["memory"],
        disk_gb=4,
    )
    workload(stage, web)
    balancer(stage, "lb", "web", v["algorithm"], v["app_port"], v["port"], v["bind"])


HA_WEB = Template(
    "ha-web",
    "Web servers behind a load balancer (round robin, least connections or IP hash)",
    ("fake", "docker", "kubernetes", "proxmox"),
    (
        stack_name("ha-web"),
        image("nginx:1.27-alpine", "The web servers' container image."),
        Parameter("replicas", "integer", 3, "Web servers behind the load balancer.", minimum=2, maximum=50),
        port("app_port", 80, "The port the web servers listen on."),
        port("port", 8080, "The load balancer's public port (Docker: on the bind address)."),
        BIND,
        Parameter(
            "algorithm",
            "choice",
            "round_robin",
            "How requests are spread.",
            choices=("round_robin", "least_connections", "ip_hash"),
        ),
        Parameter("memory", "memory", 512, "Memory of each web server.", minimum=64, maximum=65536),
    ),
    _ha_web,
)


def _reverse_proxy(stage: Stage, v: Values) -> None:
    apps: list[str] = v["apps"]
    for app in apps:
        workload(stage, Workload(app, software("nginx"), "web", image=v["image"], port=v["app_port"], disk_gb=4))
    routes = {app: f"http://{stage.hosts(app)[0]}:{v['app_port']}/" for app in apps}
    locations = " ".join(f"location /{app}/ {{ proxy_pass {url}; }}" for app, url in routes.items())
    config = f"server {{ listen 80; {locations} }}"
    command = ("sh", "-c", 'printf "%s\\n" "$1" > /etc/nginx/conf.d/default.conf && exec nginx -g "daemon off;"')
    proxy = Workload(
        "proxy",
        software("nginx"),
        "load_balancer",
        memory_mb=256,
        disk_gb=2,
        publish=v["port"],
        bind=v["bind"],
        depends=tuple(apps),
        command=(*command, "proxy", config) if stage.provider == "docker" else None,
        env={"ROUTES": " ".join(f"/{app}/={url}" for app, url in routes.items())} if stage.provider == "fake" else {},
    )
    workload(stage, proxy)
    if stage.provider == "proxmox":
        stage.note("proxy: route " + ", ".join(f"/{app}/ to {url}" for app, url in routes.items()) + " in nginx")


REVERSE_PROXY = Template(
    "reverse-proxy",
    "An nginx reverse proxy routing /NAME/ to each of several services",
    ("fake", "docker", "proxmox"),
    (
        stack_name("edge"),
        Parameter(
            "apps", "names", ["app", "api"], "The services behind the proxy (each at /NAME/).", minimum=1, maximum=20
        ),
        image("nginx:1.27-alpine", "The services' container image."),
        port("app_port", 80, "The port the services listen on."),
        port("port", 8080, "The proxy's public port (Docker: on the bind address)."),
        BIND,
    ),
    _reverse_proxy,
)


def _kubernetes_app(stage: Stage, v: Values) -> None:
    network = stage.network()
    if stage.provider == "kubernetes":
        claim: dict[str, object] = {"namespace": network[0], "size": f"{v['storage']}G"}
        if v["storage_class"]:
            claim["storage_class"] = v["storage_class"]
        stage.add("storage", "data", claim, network, "volume")
        stage.note("data is claimed but not mounted: the workload spec cannot mount volumes yet")
        specs = {
            "namespace": network[0],
            "image": v["image"],
            "replicas": v["replicas"],
            "ports": [v["port"]],
            "service_type": v["service_type"],
        }
    else:
        stage.add("storage", "data", {"size": f"{v['storage']}G"}, [], "volume")
        specs = {"image": v["image"], "replicas": v["replicas"], "ports": [v["port"]]}
    stage.add("service", "app", specs, [*network, "data"], "web")


KUBERNETES_APP = Template(
    "kubernetes-app",
    "A Kubernetes app: a namespace, a Deployment with its Service, and a PersistentVolumeClaim",
    ("kubernetes", "fake"),
    (
        stack_name("app"),
        image("nginx:1.27-alpine", "The container image."),
        Parameter("replicas", "integer", 2, "Pods of the Deployment.", minimum=0, maximum=100),
        port("port", 80, "The port the container listens on (the Service's port)."),
        Parameter(
            "service_type",
            "choice",
            "ClusterIP",
            "How the Service is reached.",
            choices=("ClusterIP", "NodePort", "LoadBalancer"),
        ),
        Parameter("storage", "disk", 10, "The claim's size.", minimum=1, maximum=65536),
        Parameter(
            "storage_class",
            "text",
            "",
            "The claim's storage class (empty: the cluster's default).",
            pattern=r"([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?",
            pattern_says="a storage class name, or nothing",
        ),
    ),
    _kubernetes_app,
)

TEMPLATES = (WEB_APP, HA_WEB, REVERSE_PROXY, KUBERNETES_APP)
