/**
 * Metric and attribute names the agent emits. The `system.*` and `hw.*` names follow the
 * OpenTelemetry semantic conventions (system metrics and hardware/GPU metrics, both still
 * "development" status, so they are copied here as constants instead of imported).
 * `aiobs.gpu.*` holds GPU fields the conventions do not name yet.
 */

export const ATTR_HOST_NAME = 'host.name';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_OS_TYPE = 'os.type';
export const ATTR_HOST_ARCH = 'host.arch';

export const ATTR_CPU_LOGICAL_NUMBER = 'cpu.logical_number';
export const ATTR_CPU_MODE = 'cpu.mode';
export const ATTR_SYSTEM_MEMORY_STATE = 'system.memory.state';
export const ATTR_SYSTEM_PAGING_STATE = 'system.paging.state';
export const ATTR_SYSTEM_DEVICE = 'system.device';
export const ATTR_FS_MODE = 'system.filesystem.mode';
export const ATTR_FS_MOUNTPOINT = 'system.filesystem.mountpoint';
export const ATTR_FS_STATE = 'system.filesystem.state';
export const ATTR_FS_TYPE = 'system.filesystem.type';
export const ATTR_DISK_IO_DIRECTION = 'disk.io.direction';
export const ATTR_NETWORK_INTERFACE_NAME = 'network.interface.name';
export const ATTR_NETWORK_IO_DIRECTION = 'network.io.direction';

export const ATTR_HW_ID = 'hw.id';
export const ATTR_HW_NAME = 'hw.name';
export const ATTR_HW_VENDOR = 'hw.vendor';
export const ATTR_HW_MODEL = 'hw.model';
export const ATTR_HW_TYPE = 'hw.type';
export const ATTR_HW_GPU_TASK = 'hw.gpu.task';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_PROCESS_PID = 'process.pid';
export const ATTR_PROCESS_EXECUTABLE_NAME = 'process.executable.name';
export const ATTR_PROCESS_EXECUTABLE_PATH = 'process.executable.path';

export const ATTR_AIOBS_GPU_CLOCK_TYPE = 'aiobs.gpu.clock.type';
export const ATTR_AIOBS_GPU_THROTTLE_REASON = 'aiobs.gpu.throttle.reason';

/** Host metrics (OTel system semantic conventions). */
export const M = {
  cpuUtilization: 'system.cpu.utilization',
  cpuLogicalCount: 'system.cpu.logical.count',
  load1m: 'system.cpu.load_average.1m',
  load5m: 'system.cpu.load_average.5m',
  load15m: 'system.cpu.load_average.15m',
  memoryUsage: 'system.memory.usage',
  memoryLimit: 'system.memory.limit',
  memoryUtilization: 'system.memory.utilization',
  memoryAvailable: 'system.memory.linux.available',
  pagingUsage: 'system.paging.usage',
  pagingUtilization: 'system.paging.utilization',
  fsUsage: 'system.filesystem.usage',
  fsUtilization: 'system.filesystem.utilization',
  fsLimit: 'system.filesystem.limit',
  diskIo: 'system.disk.io',
  diskOperations: 'system.disk.operations',
  networkIo: 'system.network.io',
  networkErrors: 'system.network.errors',
  networkDropped: 'system.network.packet.dropped',
  networkPackets: 'system.network.packet.count',
  processCount: 'system.process.count',
  processCreated: 'system.process.created',
  uptime: 'system.uptime',
} as const;

/** GPU metrics (OTel hardware semantic conventions, `hw.*`) and aiobs extensions. */
export const G = {
  utilization: 'hw.gpu.utilization',
  memoryUsage: 'hw.gpu.memory.usage',
  memoryLimit: 'hw.gpu.memory.limit',
  memoryUtilization: 'hw.gpu.memory.utilization',
  temperature: 'hw.temperature',
  power: 'hw.power',
  energy: 'hw.energy',
  errors: 'hw.errors',
  memoryControllerUtilization: 'aiobs.gpu.memory.controller.utilization',
  memoryTemperature: 'aiobs.gpu.memory.temperature',
  clock: 'aiobs.gpu.clock.frequency',
  clockMax: 'aiobs.gpu.clock.max_frequency',
  powerLimit: 'aiobs.gpu.power.limit',
  fanSpeed: 'aiobs.gpu.fan.speed',
  performanceState: 'aiobs.gpu.performance_state',
  throttleActive: 'aiobs.gpu.throttle.active',
  pcieLinkGeneration: 'aiobs.gpu.pcie.link.generation',
  pcieLinkGenerationMax: 'aiobs.gpu.pcie.link.generation.max',
  pcieLinkWidth: 'aiobs.gpu.pcie.link.width',
  pcieLinkWidthMax: 'aiobs.gpu.pcie.link.width.max',
  pcieThroughput: 'aiobs.gpu.pcie.throughput',
  processMemoryUsage: 'aiobs.gpu.process.memory.usage',
} as const;

/** `service.name` the agent reports unless `OTEL_SERVICE_NAME` says otherwise. */
export const DEFAULT_SERVICE_NAME = 'aiobs-agent';
