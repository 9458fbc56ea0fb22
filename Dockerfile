# One image recipe for both hosts, built from the repository root:
#   docker build --build-arg PROJECT=ConversationEngine.Silo .
#   docker build --build-arg PROJECT=ConversationEngine.Api .
ARG PROJECT=ConversationEngine.Api

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /source
COPY Directory.Build.props Directory.Packages.props ConversationEngine.sln ./
COPY src/ src/
RUN dotnet publish src/${PROJECT}/${PROJECT}.csproj -c Release -o /app \
 && ln -s /app/${PROJECT} /app/engine-host

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=6s --start-period=30s --retries=3 CMD ["/app/engine-host", "healthcheck"]
ENTRYPOINT ["/app/engine-host"]
