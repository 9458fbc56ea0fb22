using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Messaging;

namespace ConversationEngine.Tests.Cluster;

/// <summary>
/// The cluster's own ports as an intruder meets them: silos and front ends configured as the hosts
/// are (<c>Orleans:Tls:*</c>, <c>Orleans:ListenAddress</c>), and plain Orleans clients that know
/// the cluster and service ids trying to get in.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly DirectoryInfo certificates = Directory.CreateTempSubdirectory("engine-certs-");

    public void Dispose() => certificates.Delete(recursive: true);

    [PostgresFact]
    public async Task Silos_and_a_front_end_holding_the_cluster_certificate_serve_requests()
    {
        var cluster = ClusterSettings(TestCertificate.Create(certificates, "cluster").Path);
        await using var silo1 = await EngineHost.StartAsync(settings: cluster);
        // Joining means reaching the first silo's silo port: over TLS, both ways.
        await using var silo2 = await EngineHost.StartAsync(settings: cluster);
        // The front end reads the password from a file, as compose hands it out.
        var passwordFile = Path.Combine(certificates.FullName, "cluster.pfx.password");
        await File.WriteAllTextAsync(passwordFile, TestCertificate.Password + "\n");
        await using var frontEnd = await EngineHost.StartAsync(settings: new Dictionary<string, string?>(cluster)
        {
            ["Orleans:Mode"] = "Client",
            ["Orleans:Tls:CertificatePassword"] = null,
            ["Orleans:Tls:CertificatePasswordFile"] = passwordFile,
        });

        var created = await frontEnd.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "over TLS")).ExpectAsync(HttpStatusCode.Created);
        var fetched = await frontEnd.Client.GetAsync($"/v1/Conversations/{created["sid"]}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("over TLS", (string?)fetched["friendly_name"]);
        Assert.Equal(2, (await frontEnd.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
    }

    [PostgresFact]
    public async Task A_plain_client_that_knows_the_cluster_and_service_ids_cannot_call_any_grain()
    {
        var cluster = ClusterSettings(TestCertificate.Create(certificates, "cluster").Path);
        await using var silo = await EngineHost.StartAsync(settings: cluster);

        var refused = await ConnectAndCallAsync(cluster["Orleans:ClusterId"]!, PostgresMembership, tls: null);

        AssertClosedByTheGateway(refused, silo);
    }

    [PostgresFact]
    public async Task A_client_presenting_another_certificate_is_refused_even_when_it_trusts_the_cluster()
    {
        var (clusterPath, clusterFingerprint) = TestCertificate.Create(certificates, "cluster");
        var cluster = ClusterSettings(clusterPath);
        await using var silo = await EngineHost.StartAsync(settings: cluster);
        var intruder = new Dictionary<string, string?>
        {
            ["Orleans:Tls:CertificatePath"] = TestCertificate.Create(certificates, "intruder").Path,
            ["Orleans:Tls:CertificatePassword"] = TestCertificate.Password,
            // It accepts the silo's certificate, so only the silo can be the one saying no.
            ["Orleans:Tls:TrustedFingerprints:0"] = clusterFingerprint,
        };

        var refused = await ConnectAndCallAsync(cluster["Orleans:ClusterId"]!, PostgresMembership, tls: intruder);

        AssertClosedByTheGateway(refused, silo);
    }

    [PostgresFact]
    public async Task A_node_trusting_another_certificate_by_fingerprint_lets_its_holder_in()
    {
        var (frontEndPath, frontEndFingerprint) = TestCertificate.Create(certificates, "front-end");
        var (siloPath, siloFingerprint) = TestCertificate.Create(certificates, "silo");
        var silo = ClusterSettings(siloPath);
        silo["Orleans:Tls:TrustedFingerprints:0"] = frontEndFingerprint.ToLowerInvariant();
        await using var siloHost = await EngineHost.StartAsync(settings: silo);
        var frontEnd = ClusterSettings(frontEndPath, silo["Orleans:ClusterId"]);
        frontEnd["Orleans:Mode"] = "Client";
        // As openssl prints it: colons between the bytes.
        frontEnd["Orleans:Tls:TrustedFingerprints:0"] = string.Join(':', siloFingerprint.Chunk(2).Select(b => new string(b)));

        await using var frontEndHost = await EngineHost.StartAsync(settings: frontEnd);

        await frontEndHost.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "per-node certificates")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_embedded_hosts_gateway_takes_only_clients_holding_its_certificate()
    {
        var path = TestCertificate.Create(certificates, "embedded").Path;
        await using var host = await EngineHost.StartAsync(settings: Tls(path));
        var gateway = new IPEndPoint(IPAddress.Loopback, host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);
        var ids = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(ids.ClusterId, ids.ServiceId);

        var plain = await ConnectAndCallAsync(ids.ClusterId, c => c.UseStaticClustering(gateway), tls: null);
        var holder = await ConnectAndCallAsync(ids.ClusterId, c => c.UseStaticClustering(gateway), tls: Tls(path));

        AssertClosedByTheGateway(plain, host);
        Assert.Null(holder);
    }

    [Theory]
    [InlineData("Thumbprint")]
    [InlineData("Subject")]
    public async Task A_certificate_from_the_os_store_protects_the_gateway_like_a_file(string lookup)
    {
        var name = "engine-store-" + Guid.NewGuid().ToString("N")[..12];
        var path = TestCertificate.Create(certificates, name).Path;
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, TestCertificate.Password, X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(certificate);
        try
        {
            await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
            {
                [$"Orleans:Tls:{lookup}"] = lookup == "Thumbprint" ? certificate.Thumbprint : name,
            });
            var gateway = new IPEndPoint(IPAddress.Loopback, host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);
            var clusterId = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId;

            Assert.Null(await ConnectAndCallAsync(clusterId, c => c.UseStaticClustering(gateway), tls: Tls(path)));
            AssertClosedByTheGateway(await ConnectAndCallAsync(clusterId, c => c.UseStaticClustering(gateway), tls: null), host);
        }
        finally
        {
            store.Remove(certificate);
        }
    }

    [PostgresTheory]
    [InlineData("Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:ListenAddress")]
    public async Task A_cluster_silo_listens_on_the_configured_address_only(string key)
    {
        var settings = ClusterSettings(certificatePath: null);
        settings.Remove("Orleans:AdvertisedIPAddress");
        settings[key] = "127.0.0.1";
        await using var silo = await EngineHost.StartAsync(settings: settings);
        var endpoints = silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        int[] ports = [endpoints.SiloPort, endpoints.GatewayPort];

        Assert.Equal(ports.Select(p => new IPEndPoint(IPAddress.Loopback, p)), Listeners(ports));
        foreach (var port in ports)
        {
            // Another address of this very host: a silo bound to every interface would answer here.
            using var other = new TcpClient();
            var refused = await Assert.ThrowsAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), port).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        await silo.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "bound to one address")).ExpectAsync(HttpStatusCode.Created);
    }

    [PostgresFact]
    public async Task Without_an_address_configured_a_cluster_silo_binds_the_address_it_advertises_not_every_interface()
    {
        var settings = ClusterSettings(certificatePath: null);
        settings.Remove("Orleans:AdvertisedIPAddress");
        await using var silo = await EngineHost.StartAsync(settings: settings);
        var endpoints = silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        int[] ports = [endpoints.SiloPort, endpoints.GatewayPort];

        Assert.NotNull(endpoints.AdvertisedIPAddress);
        Assert.Equal(ports.Select(p => new IPEndPoint(endpoints.AdvertisedIPAddress, p)), Listeners(ports));
    }

    [Fact]
    public async Task A_missing_certificate_file_refuses_start_naming_the_key()
    {
        var missing = Path.Combine(certificates.FullName, "missing.pfx");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orleans:Tls:CertificatePath"] = missing,
            ["Orleans:Tls:CertificatePassword"] = TestCertificate.Password,
        }));

        Assert.Contains($"Orleans:Tls:CertificatePath: no file at '{missing}'", error.Failures);
    }

    [Fact]
    public async Task A_wrong_certificate_password_refuses_start_without_showing_either_password()
    {
        var path = TestCertificate.Create(certificates, "cluster").Path;
        const string wrong = "not-the-password-of-this-file";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orleans:Tls:CertificatePath"] = path,
            ["Orleans:Tls:CertificatePassword"] = wrong,
        }));

        Assert.Contains($"Orleans:Tls:CertificatePath: '{path}' could not be opened with Orleans:Tls:CertificatePassword (a wrong password, or not a PKCS#12/PFX file)", error.Failures);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCertificate.Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_certificate_or_one_not_for_client_authentication_refuses_start()
    {
        var expired = TestCertificate.Create(certificates, "expired", notAfter: DateTimeOffset.UtcNow.AddMinutes(-1)).Path;
        var serverOnly = TestCertificate.Create(certificates, "server-only", usages: [TestCertificate.ServerAuthentication]).Path;

        var expiredError = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: Tls(expired)));
        var serverOnlyError = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: Tls(serverOnly)));

        Assert.Contains(expiredError.Failures, f => f.StartsWith("Orleans:Tls:CertificatePath: the certificate CN=expired expired on ", StringComparison.Ordinal));
        Assert.Contains("Orleans:Tls:CertificatePath: the certificate CN=server-only must allow both server and client authentication (extended key usages serverAuth and clientAuth)", serverOnlyError.Failures);
    }

    [Fact]
    public async Task A_certificate_missing_from_the_store_or_a_bad_fingerprint_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orleans:Tls:Subject"] = "no-such-certificate-" + Guid.NewGuid().ToString("N"),
            ["Orleans:Tls:TrustedFingerprints:0"] = "AB:CD",
        }));

        Assert.Contains(error.Failures, f => f.StartsWith("Orleans:Tls:Subject: no certificate no-such-certificate-", StringComparison.Ordinal) && f.EndsWith(" in the CurrentUser/My store", StringComparison.Ordinal));
        Assert.Contains("Orleans:Tls:TrustedFingerprints:0 is not a SHA-256 fingerprint (64 hex digits)", error.Failures);
    }

    [Fact]
    public async Task An_address_that_is_not_one_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Orleans:ListenAddress"] = "silo.example" }));

        Assert.Contains("Orleans:ListenAddress 'silo.example' is not an IP address", error.Failures);
    }

    /// <summary>The client found the silo's gateway in the membership table, and the silo hung up on it.</summary>
    private static void AssertClosedByTheGateway(Exception? error, EngineHost silo)
    {
        var gateway = silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort;
        var failed = Assert.IsType<ConnectionFailedException>(error);
        Assert.Equal("Unable to connect to any of the 1 available gateways.", failed.Message);
        var attempt = Assert.IsType<ConnectionFailedException>(failed.InnerException);
        Assert.StartsWith($"Unable to connect to endpoint S127.0.0.1:{gateway}:", attempt.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Tls(string path) => new()
    {
        ["Orleans:Tls:CertificatePath"] = path,
        ["Orleans:Tls:CertificatePassword"] = TestCertificate.Password,
    };

    /// <summary>A PostgreSQL cluster of its own on loopback, with mutual TLS when a certificate is given.</summary>
    private static Dictionary<string, string?> ClusterSettings(string? certificatePath, string? clusterId = null)
    {
        var settings = Postgres.ClusterSettings("tls", clusterId);
        return certificatePath is null ? settings : new Dictionary<string, string?>(settings.Concat(Tls(certificatePath)));
    }

    /// <summary>
    /// An Orleans client that finds the gateways through <paramref name="clustering"/>, with the cluster and service ids, trying
    /// a grain call; what it failed with (bounded: a refusal must not look like a hang).
    /// </summary>
    private static async Task<Exception?> ConnectAndCallAsync(string clusterId, Action<IClientBuilder> clustering, IReadOnlyDictionary<string, string?>? tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(tls ?? new Dictionary<string, string?>());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            clustering(client);
            // One attempt: Orleans' default retries a refused connection for minutes.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            if (tls is not null)
            {
                client.UseClusterTls(builder.Configuration);
            }
        });
        using var host = builder.Build();
        var started = Stopwatch.GetTimestamp();
        var error = await Record.ExceptionAsync(async () =>
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(45), $"refused only after {Stopwatch.GetElapsedTime(started)}");
        await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return error;
    }

    private static void PostgresMembership(IClientBuilder client) => client.UsePostgresClustering(Postgres.Get());

    /// <summary>The addresses this machine's listening TCP sockets on <paramref name="ports"/> are bound to.</summary>
    private static IEnumerable<IPEndPoint> Listeners(int[] ports) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners()
            .Where(l => ports.Contains(l.Port))
            .OrderBy(l => Array.IndexOf(ports, l.Port));
}

/// <summary>Self-signed certificates in password-protected PFX files, as compose's <c>certs</c> service makes them.</summary>
internal static class TestCertificate
{
    public const string Password = "pfx-password-of-the-tests";
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <returns>The PFX file and the certificate's SHA-256 fingerprint.</returns>
    public static (string Path, string Fingerprint) Create(DirectoryInfo directory, string name, DateTimeOffset? notAfter = null, string[]? usages = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var oids = new OidCollection();
        foreach (var usage in usages ?? [ServerAuthentication, ClientAuthentication])
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        using var certificate = request.CreateSelfSigned(end.AddDays(-2), end);
        var path = System.IO.Path.Combine(directory.FullName, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return (path, certificate.GetCertHashString(HashAlgorithmName.SHA256));
    }
}
