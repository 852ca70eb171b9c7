export {
  FakeUpstreamConfigError,
  parseFakeUpstreamSettings,
  startFakeUpstream,
  type FakeFault,
  type FakeFaultKind,
  type FakeRateLimit,
  type FakeUpstream,
  type FakeUpstreamConfig,
  type FakeUpstreamOptions,
  type FakeUpstreamSettings,
  type FakeUpstreamStats,
  type RecordedRequest,
} from './fake-upstream';
