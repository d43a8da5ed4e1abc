// Original file: keygate/v1/key_admin.proto


export interface RevokeKeyRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface RevokeKeyRequest__Output {
  'id': (string);
  'reason': (string);
}
