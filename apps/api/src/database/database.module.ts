import { Global, Module } from '@nestjs/common';
import { ChangeNotifier } from './change-notifier';
import { PrismaService } from './prisma.service';

@Global()
@Module({ providers: [PrismaService, ChangeNotifier], exports: [PrismaService, ChangeNotifier] })
export class DatabaseModule {}
