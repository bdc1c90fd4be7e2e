using AlexVis.Model.Imaging.Isolation;
using Microsoft.AspNetCore.DataProtection;
using AlexVis.Web.Options;
using AlexVis.Web.Rooms;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace AlexVis.Web.Extensions;

/// <summary>All of AlexVis's wiring in one place.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Registers options (validated at start), the shared model and queue, each student's state pieces and the UI libraries.</summary>
    public static IServiceCollection AddAlexVis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAlexVisCore(configuration);
        services.AddMudServices();
        services.AddTransient<MudBlazor.MudLocalizer, Localization.ResxMudLocalizer>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        // How long a dropped student's circuit waits for a reconnect, and how many may wait (Blazor's own limits).
        services.Configure<Microsoft.AspNetCore.Components.Server.CircuitOptions>(configuration.GetSection($"{AlexVisOptions.Section}:Circuits"));
        return services;
    }

    /// <summary>
    /// AlexVis without the web framework's own services: what the component tests register beside bUnit's. Shared
    /// services start nothing until first used (the decoder workers start with the inference queue's first use).
    /// </summary>
    public static IServiceCollection AddAlexVisCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlexVisOptions>()
            .Bind(configuration.GetSection(AlexVisOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlexVisOptions>, AlexVisOptionsValidator>();
        // Every word a page shows, in English or Simplified Chinese, from the .resx files beside the components.
        services.AddLocalization();

        services.AddHttpClient("weights", client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<Telemetry>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AlexVisOptions>>().Value;
            return new DecoderPool(o.Decoding, o.Upload, sp.GetRequiredService<ILogger<DecoderPool>>());
        });
        services.AddSingleton<InferenceQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceQueue>());
        services.AddSingleton<Figures>();
        services.AddSingleton<Explanations>();
        services.AddSingleton<DerivedImages>();
        services.AddSingleton<PhotoSet>();
        services.AddSingleton<SampleLibrary>();
        services.AddSingleton<UploadTokens>();
        services.AddSingleton(TimeProvider.System);
        if (configuration[$"{AlexVisOptions.Section}:Rooms:Redis"] is { Length: > 0 } redis)
        {
            // Several servers: room states, their photos and the keys that protect circuits' tokens, shared in Redis.
            var connection = StackExchange.Redis.ConnectionMultiplexer.Connect(redis);
            services.AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(connection);
            services.AddSingleton<IRoomBus, RedisRoomBus>();
            services.AddSingleton<IRoomPhotos, RedisRoomPhotos>();
            services.AddDataProtection().SetApplicationName("AlexVis").PersistKeysToStackExchangeRedis(connection, "alexvis:data-protection-keys");
        }
        else
        {
            services.AddSingleton<IRoomBus, InMemoryRoomBus>();
            services.AddSingleton<IRoomPhotos, InMemoryRoomPhotos>();
        }
        services.AddSingleton<RoomDirectory>();

        services.AddScoped<CircuitThread>();
        services.AddScoped<ThemeState>();
        services.AddScoped<SelectionState>();
        services.AddScoped<AddressState>();
        services.AddScoped<ImageLoader>();
        services.AddScoped<ShownImage>();
        services.AddScoped<OwnPhotos>();
        services.AddScoped<CompareSlot>();
        services.AddScoped<RoomMembership>();
        services.AddScoped<TeacherSeat>();
        services.AddHttpContextAccessor();
        services.AddScoped<ClientAddress>();
        services.AddScoped<PlotsInterop>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, SessionCircuitHandler>();
        return services;
    }
}
