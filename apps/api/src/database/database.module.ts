import { Global, Module } from '@nestjs/common';
import { ChangeNotifier } from './change-notifier';
import { PrismaService } from './prisma.service';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [PrismaService, ChangeNotifier, UnitOfWork],
  exports: [PrismaService, ChangeNotifier, UnitOfWork],
})
export class DatabaseModule {}
